/** The `editor` channel's payload, built from what the editor reports. */
import type { EditorStateInput, Range } from '../../../../src/protocol/index.js';
import { toRootRelative } from './paths.js';

/** The editor's state as the glue forwards it: absolute paths, LSP-style 0-based positions. */
export interface EditorSnapshot {
  activeFile: string | null;
  selection: Range | null;
  openFiles: { path: string; dirty: boolean; languageId?: string }[];
}

/** The server's limit on open files in one state (more are left out). */
const MAX_OPEN_FILES = 1000;

/**
 * What the extension publishes as `editor` `state` (the server adds `provider` with `name`):
 * files under the root only, root-relative, each once.
 */
export function toEditorState(
  root: string,
  snapshot: EditorSnapshot,
  name?: string,
): EditorStateInput {
  const activeFile = snapshot.activeFile ? toRootRelative(root, snapshot.activeFile) : null;
  const seen = new Set<string>();
  const openFiles: EditorStateInput['openFiles'] = [];
  for (const open of snapshot.openFiles) {
    const file = toRootRelative(root, open.path);
    if (file === null || seen.has(file) || openFiles.length === MAX_OPEN_FILES) continue;
    seen.add(file);
    openFiles.push({
      file,
      dirty: open.dirty,
      ...(open.languageId ? { languageId: open.languageId } : {}),
    });
  }
  return {
    ...(name ? { name } : {}),
    activeFile,
    selection: activeFile ? snapshot.selection : null,
    openFiles,
  };
}
