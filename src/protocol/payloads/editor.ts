/**
 * The `editor` channel and `editor.open`: what an IDE extension (the client providing
 * `editor.*` methods) shows of the editor, and opening a file in it. Lines and characters in a
 * selection are 0-based, as in LSP and the diagnostics' ranges; `editor.open` takes 1-based
 * line and column, as people (and stack traces) count.
 */

import type { Range } from './diagnostics.js';

/** One file open in the editor; `file` is relative to the root, `/`-separated. */
export interface EditorOpenFile {
  file: string;
  /** Has unsaved changes. */
  dirty: boolean;
  languageId?: string;
}

/** The `editor` snapshot, and the data of its `state` event (the whole state every time). */
export interface EditorState {
  /** The client that publishes the state (null when none does). */
  provider: { clientId: string; name?: string } | null;
  activeFile: string | null;
  selection: Range | null;
  openFiles: EditorOpenFile[];
}

/**
 * What a provider publishes: `publish {channel: "editor", event: "state", data}`. Paths may be
 * root-relative or absolute inside the root; those outside it are left out. The server fills in
 * `provider` (with `name`, e.g. "VS Code", when given).
 */
export interface EditorStateInput {
  name?: string;
  activeFile: string | null;
  selection?: Range | null;
  openFiles: EditorOpenFile[];
}

/** The state with nobody publishing. */
export const EMPTY_EDITOR_STATE: EditorState = Object.freeze({
  provider: null,
  activeFile: null,
  selection: null,
  openFiles: [],
}) as EditorState;

/** `editor.open` params: `file` relative to the root or absolute inside it. */
export interface EditorOpenParams {
  file: string;
  /** 1-based. */
  line?: number;
  /** 1-based. */
  column?: number;
}

/** `editor.open` result: who opened it. */
export interface EditorOpenResult {
  opened: true;
  by: 'provider' | 'launch-editor';
  /** The providing client, when `by` is `provider`. */
  clientId?: string;
}

/** The name a client publishing its own diagnostics goes by (e.g. `vscode`). */
export const EDITOR_DIAGNOSTICS_SERVER_PATTERN = /^[a-z0-9][a-z0-9._-]{0,31}$/;
