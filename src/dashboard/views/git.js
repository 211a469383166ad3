/**
 * The git card: branch, HEAD (short sha and subject), the upstream with ahead/behind, an
 * operation in progress, changed files by kind (renames as `old → new`), and the last branch
 * switches and commits. `status` and the snapshot (the status, or null outside a repository)
 * replace the state; `branch` and `commit` are kept as recent activity.
 */
import {
  count,
  formatTime,
  frameScheduler,
  h,
  rememberedDetails,
  replaceKeepingFocus,
} from '../ui/dom.js';
import { bindChannelNotice } from '../ui/server-state.js';

const RECENT = 5;
const MAX_FILES_LISTED = 50;
/** The file lists of a status, in the order a developer deals with them. */
const FILE_KINDS = /** @type {const} */ ([
  'conflicted',
  'staged',
  'renamed',
  'modified',
  'untracked',
]);

/** A list entry: a path, or a rename `{ from, to }`. */
const describeEntry = (/** @type {string | { from: string, to: string }} */ entry) =>
  typeof entry === 'string' ? entry : `${entry.from} → ${entry.to}`;

/**
 * @param {{
 *   client: import('/lib/client/index.js').SidecarClient,
 *   server: import('../ui/server-state.js').ServerState,
 *   root: HTMLElement,
 * }} options
 */
export function mountGit({ client, server, root }) {
  /** @type {import('/lib/protocol/index.js').GitStatus | null} */
  let status = null;
  /** @type {{ time: number, text: string }[]} */
  let recent = [];
  /** @type {Map<string, boolean>} */
  const opened = new Map();

  const notice = h('p');
  bindChannelNotice(notice, server, 'git', 'git.status');
  const body = h('div', { id: 'git-status', class: 'git' });
  root.append(notice, body);
  const schedule = frameScheduler(render);
  server.onChange(schedule);

  client.subscribe('git', (message) => {
    if (message.type === 'snapshot') {
      // The status, or null while the root is in no repository.
      status = /** @type {import('/lib/protocol/index.js').GitStatus | null} */ (message.data);
    } else if (message.event === 'status') {
      status = message.data;
    } else if (message.event === 'branch') {
      const { from, to } = message.data;
      remember(message.timestamp, `switched ${from ?? 'detached HEAD'} → ${to ?? 'detached HEAD'}`);
    } else if (message.event === 'commit') {
      const { sha, subject, author } = message.data;
      remember(message.timestamp, `commit ${sha.slice(0, 7)} ${subject} — ${author}`);
    }
    schedule();
  });

  function remember(/** @type {number} */ time, /** @type {string} */ text) {
    recent = [{ time, text }, ...recent].slice(0, RECENT);
  }

  function render() {
    // A const, so the narrowing below holds in the callbacks too.
    const shown = status;
    if (!shown) {
      const quietBecause = server.noticeFor('git', 'git.status');
      body.replaceChildren(
        quietBecause ? '' : h('p', { class: 'muted' }, 'No repository status yet.'),
      );
      return;
    }
    const { head, upstream } = shown;
    const tracking = !upstream
      ? h('span', { class: 'muted' }, 'no upstream')
      : shown.ahead || shown.behind
        ? h(
            'span',
            {
              id: 'git-upstream',
              title: upstream,
              'aria-label': `${shown.ahead} ahead, ${shown.behind} behind ${upstream}`,
            },
            `↑${shown.ahead} ↓${shown.behind} `,
            h('span', { class: 'muted' }, upstream),
          )
        : h('span', { class: 'muted', id: 'git-upstream' }, `up to date with ${upstream}`);
    replaceKeepingFocus(
      body,
      h(
        'p',
        { class: 'git-branch' },
        h(
          'span',
          { class: 'branch', id: 'git-branch' },
          shown.detached || !shown.branch ? 'detached HEAD' : shown.branch,
        ),
        ' ',
        tracking,
        shown.operation
          ? [
              ' ',
              h(
                'span',
                { class: 'badge', dataset: { severity: 'warning' } },
                `${shown.operation} in progress`,
              ),
            ]
          : null,
      ),
      h(
        'p',
        { class: 'git-head' },
        head
          ? [
              h('code', { id: 'git-sha' }, head.sha.slice(0, 7)),
              ' ',
              h('span', { id: 'git-subject' }, head.subject),
            ]
          : h('span', { class: 'muted' }, 'no commits yet'),
      ),
      h(
        'div',
        { class: 'git-files', id: 'git-files' },
        FILE_KINDS.map((kind) => /** @type {const} */ ([kind, shown[kind]]))
          .filter(([, entries]) => entries.length > 0)
          .map(([kind, entries]) =>
            rememberedDetails(
              opened,
              {
                key: `git:${kind}`,
                openByDefault: kind === 'conflicted',
                summary: [count(entries.length, `${kind} file`)],
                props: { dataset: { kind } },
              },
              h(
                'ul',
                { class: 'file-list' },
                entries
                  .slice(0, MAX_FILES_LISTED)
                  .map((entry) => h('li', {}, describeEntry(entry))),
                entries.length > MAX_FILES_LISTED
                  ? h('li', { class: 'muted' }, `${entries.length - MAX_FILES_LISTED} more`)
                  : null,
              ),
            ),
          ),
        shown.truncated ? h('p', { class: 'muted' }, 'Some lists were cut at 2,000 paths.') : null,
      ),
      recent.length > 0
        ? h(
            'ul',
            { class: 'recent', 'aria-label': 'Recent git activity' },
            recent.map(({ time, text }) =>
              h('li', {}, h('time', { class: 'muted' }, formatTime(time).slice(0, 8)), ' ', text),
            ),
          )
        : null,
    );
  }
  render();
}
