/**
 * "Open in editor" on every problem the dashboard's views draw in the panel: diagnostics and
 * validation rows, search matches. Their position ("5:10", or "src/a.ts:5:10") becomes a button
 * that calls `editor.open {file, line, column}` (1-based), which the sidecar routes to the
 * editor's extension or opens itself. A row whose view already has a control of its own is
 * left as it is.
 *
 * The views redraw their rows from their live state, so this watches for new rows rather than
 * keeping any: the panel adds to the views' output and never changes how they draw it.
 */
import { describeError, h } from './dashboard/ui/dom.js';

/** Rows that are problems or matches, and the cell that says where. */
const ROWS = 'table.problems tr, li.match';
const POSITION = '.col-position, .match-position';

/**
 * @typedef {{ file: string, line: number, column: number }} Location
 */

/**
 * @param {{
 *   client: import('./lib/client/index.js').SidecarClient,
 *   roots: HTMLElement[],
 *   errorElement: HTMLElement,
 * }} options
 */
export function addOpenInEditor({ client, roots, errorElement }) {
  const observer = new MutationObserver(() => {
    for (const root of roots) linkRows(root);
  });
  for (const root of roots) {
    linkRows(root);
    observer.observe(root, { childList: true, subtree: true });
    root.addEventListener('click', (event) => {
      const button = /** @type {HTMLElement | null} */ (
        event.target instanceof Element ? event.target.closest('button[data-editor-file]') : null
      );
      if (!button || !root.contains(button)) return;
      const { editorFile, editorLine, editorColumn } = button.dataset;
      void open({
        file: editorFile ?? '',
        line: Number(editorLine),
        column: Number(editorColumn),
      });
    });
  }

  async function open(/** @type {Location} */ location) {
    try {
      await client.request('editor.open', location);
      errorElement.hidden = true;
    } catch (error) {
      errorElement.textContent = `Could not open ${location.file}:${location.line}:${location.column} in the editor: ${describeError(error)}`;
      errorElement.hidden = false;
    }
  }
}

/** Gives each new row of `root` its button (once: the row is marked). */
function linkRows(/** @type {HTMLElement} */ root) {
  for (const row of root.querySelectorAll(`:is(${ROWS}):not([data-editor])`)) {
    const element = /** @type {HTMLElement} */ (row);
    element.dataset.editor = '';
    if (element.querySelector('a, button')) continue;
    const cell = /** @type {HTMLElement | null} */ (element.querySelector(POSITION));
    const location = cell && locate(element, cell.textContent ?? '');
    if (!cell || !location) continue;
    const text = cell.textContent ?? '';
    cell.replaceChildren(
      h(
        'button',
        {
          type: 'button',
          class: 'open-in-editor',
          title: 'Open in editor',
          'aria-label': `Open in editor: ${location.file}:${location.line}:${location.column}`,
          dataset: {
            editorFile: location.file,
            editorLine: String(location.line),
            editorColumn: String(location.column),
          },
        },
        text,
      ),
    );
  }
}

/**
 * Where a row points: "line:column" under a file group (diagnostics, search), or
 * "file:line:column" on its own (validation).
 * @returns {Location | null}
 */
function locate(/** @type {HTMLElement} */ row, /** @type {string} */ position) {
  const group = /** @type {HTMLElement | null} */ (row.closest('[data-file]'));
  const short = /^(\d+):(\d+)$/.exec(position.trim());
  if (short && group?.dataset.file) {
    return { file: group.dataset.file, line: Number(short[1]), column: Number(short[2]) };
  }
  const long = /^(.+):(\d+):(\d+)$/.exec(position.trim());
  if (long) return { file: long[1] ?? '', line: Number(long[2]), column: Number(long[3]) };
  return null;
}
