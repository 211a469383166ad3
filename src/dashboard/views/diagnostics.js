/**
 * Diagnostics grouped by file, with severity counts. State: per file, per language server, the
 * latest list (an `updated` replaces it; an empty list removes it) and the workspace totals the
 * server sends with each. A `snapshot` (`{ files, summary }`) replaces everything, which is
 * also how a reconnect to a restarted server starts over.
 */

import { count, frameScheduler, h, rememberedDetails, replaceKeepingFocus } from '../ui/dom.js';
import { bindChannelNotice } from '../ui/server-state.js';
import { countSeverities, problemsTable, severityBadges } from './problems.js';

/** Files and rows drawn at most; the counts still cover everything. */
const MAX_FILES = 300;
const MAX_ROWS_PER_FILE = 100;

/**
 * @param {{
 *   client: import('/lib/client/index.js').SidecarClient,
 *   server: import('../ui/server-state.js').ServerState,
 *   root: HTMLElement,
 *   setBadge: (text: string, tone?: string) => void,
 * }} options
 */
export function mountDiagnostics({ client, server, root, setBadge }) {
  /** @type {Map<string, Map<string, import('/lib/protocol/index.js').Diagnostic[]>>} file → server → diagnostics */
  const files = new Map();
  /** @type {Map<string, boolean>} files the user folded or unfolded */
  const opened = new Map();
  /** The workspace-wide totals, as the server counts them. */
  let totals = { error: 0, warning: 0, info: 0, hint: 0 };

  const notice = h('p');
  bindChannelNotice(notice, server, 'diagnostics', 'diagnostics.get');
  const summary = h('p', { class: 'summary', id: 'diagnostics-summary', 'aria-live': 'polite' });
  const list = h('div', { class: 'file-groups', id: 'diagnostics-files' });
  root.append(notice, summary, list);
  const schedule = frameScheduler(render);

  /** @param {import('/lib/protocol/index.js').DiagnosticsFileEntry} entry */
  function apply(entry) {
    const byServer = files.get(entry.file) ?? new Map();
    if (entry.diagnostics.length > 0) byServer.set(entry.server, entry.diagnostics);
    else byServer.delete(entry.server);
    if (byServer.size > 0) files.set(entry.file, byServer);
    else files.delete(entry.file);
  }

  /** @param {import('/lib/protocol/index.js').DiagnosticsSummary} summary */
  function setTotals({ errors, warnings, infos, hints }) {
    totals = { error: errors, warning: warnings, info: infos, hint: hints };
  }

  client.subscribe('diagnostics', (message) => {
    if (message.type === 'snapshot') {
      const snapshot = /** @type {import('/lib/protocol/index.js').DiagnosticsSnapshot} */ (
        message.data
      );
      files.clear();
      for (const entry of snapshot.files) apply(entry);
      setTotals(snapshot.summary);
    } else if (message.event === 'updated') {
      apply(message.data);
      setTotals(message.data.summary);
    }
    schedule();
  });

  function render() {
    const groups = [...files].map(([file, byServer]) => {
      const diagnostics = [...byServer].flatMap(([serverName, items]) =>
        items.map((item) => ({ ...item, server: serverName })),
      );
      diagnostics.sort((a, b) => a.range.start.line - b.range.start.line);
      return { file, diagnostics, counts: countSeverities(diagnostics) };
    });
    groups.sort(
      (a, b) =>
        b.counts.error - a.counts.error ||
        b.counts.warning - a.counts.warning ||
        a.file.localeCompare(b.file),
    );

    summary.replaceChildren(
      groups.length === 0
        ? 'No problems reported.'
        : `${count(groups.length, 'file')} with problems: `,
      ...severityBadges(totals),
    );
    setBadge(
      totals.error > 0 ? String(totals.error) : totals.warning > 0 ? String(totals.warning) : '',
      totals.error > 0 ? 'error' : 'warning',
    );

    replaceKeepingFocus(
      list,
      ...groups.slice(0, MAX_FILES).map(({ file, diagnostics, counts }) =>
        rememberedDetails(
          opened,
          {
            key: `diagnostics:${file}`,
            openByDefault: true,
            summary: [
              h('span', { class: 'file-name' }, file),
              ' ',
              h('span', { class: 'badges' }, severityBadges(counts)),
            ],
            props: { class: 'file-group', dataset: { file } },
          },
          ...problemsTable(
            diagnostics.map((item) => ({
              severity: item.severity,
              position: `${item.range.start.line + 1}:${item.range.start.character + 1}`,
              message: item.message,
              // As editors show it: `typescript(2322)`.
              origin: `${item.source ?? item.server}${item.code === undefined ? '' : `(${item.code})`}`,
            })),
            MAX_ROWS_PER_FILE,
          ),
        ),
      ),
      groups.length > MAX_FILES
        ? h(
            'p',
            { class: 'muted more' },
            `${count(groups.length - MAX_FILES, 'more file')} not shown`,
          )
        : null,
    );
  }
  render();
}
