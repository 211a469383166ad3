/**
 * "Open in editor" buttons for problems and search results: they call `editor.open`, which
 * goes to the editor extension that provides it, or else opens the user's editor through
 * the sidecar itself. The button says how it went.
 */
import { h } from '../ui/dom.js';

/** @typedef {{ file: string, line?: number, column?: number }} EditorTarget */

/**
 * Returns a function that makes one button per target.
 * @param {import('/lib/client/index.js').SidecarClient} client
 */
export function editorLinks(client) {
  /** @param {EditorTarget} target */
  return (target) => {
    const where = `${target.file}${target.line ? `:${target.line}${target.column ? `:${target.column}` : ''}` : ''}`;
    const button = h(
      'button',
      {
        type: 'button',
        class: 'small open-in-editor',
        title: `Open ${where} in the editor`,
        'aria-label': `Open ${where} in the editor`,
        dataset: { open: where },
        onclick: async () => {
          button.dataset.state = 'opening';
          try {
            const result = await client.request('editor.open', target);
            button.dataset.state = 'opened';
            button.title = result.by === 'provider' ? 'Opened in the editor' : 'Opened';
          } catch (error) {
            button.dataset.state = 'failed';
            button.title = `Could not open: ${/** @type {Error} */ (error).message}`;
          }
        },
      },
      'Open',
    );
    return button;
  };
}
