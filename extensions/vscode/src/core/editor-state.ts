/** The `editor` channel's payload, built from what the editor reports. */
import type { Range } from '../../../../src/protocol/index.js';
import { toRootRelative } from './paths.js';

/** The editor's state as the glue forwards it: absolute paths, LSP-style 0-based positions. */
export interface EditorSnapshot {
  activeFile: string | null;
  selection: Range | null;
  openFiles: { path: string; dirty: boolean; languageId?: string }[];
}

/** What the extension publishes as `editor` `state` (the server adds `provider`). */
export interface PublishedEditorState {
  activeFile: string | null;
  selection: Range | null;
  openFiles: { file: string; dirty: boolean; languageId?: string }[];
}

/** Keeps files under the root only, root-relative, each once. */
export function toEditorState(root: string, snapshot: EditorSnapshot): PublishedEditorState {
  const activeFile = snapshot.activeFile ? toRootRelative(root, snapshot.activeFile) : null;
  const seen = new Set<string>();
  const openFiles: PublishedEditorState['openFiles'] = [];
  for (const open of snapshot.openFiles) {
    const file = toRootRelative(root, open.path);
    if (file === null || seen.has(file)) continue;
    seen.add(file);
    openFiles.push({
      file,
      dirty: open.dirty,
      ...(open.languageId ? { languageId: open.languageId } : {}),
    });
  }
  return { activeFile, selection: activeFile ? snapshot.selection : null, openFiles };
}
