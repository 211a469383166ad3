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
  /** @type {import('/lib/protocol.js').GitStatus | null} */
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
    const data = /** @type {any} */ (message.data);
    if (message.type === 'snapshot' || message.event === 'status') {
      status = data;
    } else if (message.event === 'branch') {
      remember(
        message.timestamp,
        `switched ${data.from ?? 'detached HEAD'} → ${data.to ?? 'detached HEAD'}`,
      );
    } else if (message.event === 'commit') {
      remember(
        message.timestamp,
        `commit ${data.sha.slice(0, 7)} ${data.subject} — ${data.author}`,
      );
    }
    schedule();
  });

  function remember(/** @type {number} */ time, /** @type {string} */ text) {
    recent = [{ time, text }, ...recent].slice(0, RECENT);
  }

  function render() {
    if (!status) {
      const quietBecause = server.noticeFor('git', 'git.status');
      body.replaceChildren(
        quietBecause ? '' : h('p', { class: 'muted' }, 'No repository status yet.'),
      );
      return;
    }
    const { head, upstream } = status;
    const tracking = !upstream
      ? h('span', { class: 'muted' }, 'no upstream')
      : status.ahead || status.behind
        ? h(
            'span',
            {
              id: 'git-upstream',
              title: upstream,
              'aria-label': `${status.ahead} ahead, ${status.behind} behind ${upstream}`,
            },
            `↑${status.ahead} ↓${status.behind} `,
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
          status.detached || !status.branch ? 'detached HEAD' : status.branch,
        ),
        ' ',
        tracking,
        status.operation
          ? [
              ' ',
              h(
                'span',
                { class: 'badge', dataset: { severity: 'warning' } },
                `${status.operation} in progress`,
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
        FILE_KINDS.map((kind) => /** @type {const} */ ([kind, status[kind]]))
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
                  .map((/** @type {any} */ entry) => h('li', {}, describeEntry(entry))),
                entries.length > MAX_FILES_LISTED
                  ? h('li', { class: 'muted' }, `${entries.length - MAX_FILES_LISTED} more`)
                  : null,
              ),
            ),
          ),
        status.truncated ? h('p', { class: 'muted' }, 'Some lists were cut at 2,000 paths.') : null,
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
