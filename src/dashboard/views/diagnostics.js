/**
 * Diagnostics grouped by file, with severity counts, drawn from the client's live state of the
 * channel (`client.live('diagnostics')`), which folds the snapshot and the updates.
 */

import { count, frameScheduler, h, rememberedDetails, replaceKeepingFocus } from '../ui/dom.js';
import { bindChannelNotice } from '../ui/server-state.js';
import { editorLinks } from './open-in-editor.js';
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
  const diagnostics = client.live('diagnostics');
  const openLink = editorLinks(client);
  /** @type {Map<string, boolean>} files the user folded or unfolded */
  const opened = new Map();

  const notice = h('p');
  bindChannelNotice(notice, server, 'diagnostics', 'diagnostics.get');
  const summary = h('p', { class: 'summary', id: 'diagnostics-summary', 'aria-live': 'polite' });
  const list = h('div', { class: 'file-groups', id: 'diagnostics-files' });
  root.append(notice, summary, list);
  diagnostics.subscribe(frameScheduler(render));

  function render() {
    const { files, summary: reported } = diagnostics.get();
    // The workspace-wide totals, as the server counts them.
    const totals = {
      error: reported.errors,
      warning: reported.warnings,
      info: reported.infos,
      hint: reported.hints,
    };
    const groups = [...files].map(([file, items]) => ({
      file,
      diagnostics: items,
      counts: countSeverities(items),
    }));
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
              // The range is 0-based, as in LSP; editor.open counts from 1.
              target: {
                file,
                line: item.range.start.line + 1,
                column: item.range.start.character + 1,
              },
            })),
            MAX_ROWS_PER_FILE,
            openLink,
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
