/**
 * The git card: branch, HEAD (short sha and subject), ahead/behind its upstream, an operation in
 * progress, changed files by kind, and the last branch switches and commits. `status` and the
 * snapshot replace the state; `branch` and `commit` are kept as recent activity.
 */
import {
  count,
  formatTime,
  frameScheduler,
  h,
  rememberedDetails,
  replaceKeepingFocus,
} from '../ui/dom.js';
import { isGitStatus } from '../ui/records.js';
import { bindChannelNotice } from '../ui/server-state.js';

const RECENT = 5;
const MAX_FILES_LISTED = 50;
/** The file lists of a status, in the order a developer deals with them. */
const FILE_KINDS = /** @type {const} */ ([
  ['conflicted', 'conflicted'],
  ['staged', 'staged'],
  ['modified', 'modified'],
  ['renamed', 'renamed'],
  ['untracked', 'untracked'],
]);

/**
 * @param {{
 *   client: import('/lib/client/index.js').SidecarClient,
 *   server: import('../ui/server-state.js').ServerState,
 *   root: HTMLElement,
 * }} options
 */
export function mountGit({ client, server, root }) {
  /** @type {any} */
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
    if (message.type === 'snapshot') {
      // The snapshot is the status itself (or holds it); anything else means no repository.
      status = isGitStatus(data) ? data : isGitStatus(data?.status) ? data.status : null;
    } else if (message.event === 'status') {
      status = data;
    } else if (message.event === 'branch') {
      remember(
        message.timestamp,
        `switched ${data.from ?? 'detached HEAD'} → ${data.to ?? 'detached HEAD'}`,
      );
    } else if (message.event === 'commit') {
      remember(
        message.timestamp,
        `commit ${String(data.sha).slice(0, 7)} ${data.subject} — ${data.author}`,
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
    const head = status.head;
    const upstream =
      status.ahead || status.behind
        ? h(
            'span',
            { 'aria-label': `${status.ahead} ahead, ${status.behind} behind the upstream` },
            `↑${status.ahead} ↓${status.behind}`,
          )
        : h('span', { class: 'muted' }, 'in sync with upstream');
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
        upstream,
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
              h('code', { id: 'git-sha' }, String(head.sha).slice(0, 7)),
              ' ',
              h('span', { id: 'git-subject' }, head.subject),
            ]
          : h('span', { class: 'muted' }, 'no commits yet'),
      ),
      h(
        'div',
        { class: 'git-files', id: 'git-files' },
        FILE_KINDS.filter(([key]) => Array.isArray(status[key]) && status[key].length > 0).map(
          ([key, label]) =>
            rememberedDetails(
              opened,
              {
                key: `git:${key}`,
                openByDefault: key === 'conflicted',
                summary: [count(status[key].length, `${label} file`, `${label} files`)],
                props: { dataset: { kind: key } },
              },
              h(
                'ul',
                { class: 'file-list' },
                status[key]
                  .slice(0, MAX_FILES_LISTED)
                  .map((/** @type {string} */ file) => h('li', {}, file)),
                status[key].length > MAX_FILES_LISTED
                  ? h('li', { class: 'muted' }, `${status[key].length - MAX_FILES_LISTED} more`)
                  : null,
              ),
            ),
        ),
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
