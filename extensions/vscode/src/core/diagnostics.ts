/**
 * The editor's own diagnostics (every language server it runs), converted to the protocol's
 * `Diagnostic` and tracked per file, so the bridge can send only what changed and send it all
 * again after a reconnect (the server drops a provider's entries when it disconnects).
 */
import type { Diagnostic, DiagnosticSeverity, Range } from '../../../../src/protocol/index.js';
import { toRootRelative } from './paths.js';

/**
 * One diagnostic as the glue forwards it: VS Code's shape with plain values. `severity` is
 * VS Code's `DiagnosticSeverity` (0 error, 1 warning, 2 information, 3 hint).
 */
export interface EditorDiagnostic {
  range: Range;
  severity: number;
  message: string;
  code?: string | number | { value: string | number };
  source?: string;
}

/** A file's full set (empty = fixed), absolute path. */
export interface EditorDiagnosticsUpdate {
  path: string;
  diagnostics: EditorDiagnostic[];
}

/** What goes on the wire for one file. */
export interface FileDiagnostics {
  file: string;
  diagnostics: Diagnostic[];
}

const SEVERITIES: readonly DiagnosticSeverity[] = ['error', 'warning', 'info', 'hint'];
/** The server's limits on one diagnostic: cut rather than have the file's whole set refused. */
const MAX_MESSAGE = 16_384;
const MAX_TEXT = 256;
/** ...and on one file's set. */
const MAX_PER_FILE = 10_000;

export function toProtocolDiagnostic(diagnostic: EditorDiagnostic): Diagnostic {
  const value = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
  const code = typeof value === 'string' ? value.slice(0, MAX_TEXT) : value;
  return {
    range: diagnostic.range,
    severity: SEVERITIES[diagnostic.severity] ?? 'error',
    message: diagnostic.message.slice(0, MAX_MESSAGE),
    ...(code !== undefined ? { code } : {}),
    ...(diagnostic.source ? { source: diagnostic.source.slice(0, MAX_TEXT) } : {}),
  };
}

export interface DiagnosticsTracker {
  /** Records new sets; returns the files whose published set changes (files under the root). */
  update(updates: EditorDiagnosticsUpdate[]): FileDiagnostics[];
  /** Every file with diagnostics now: what to send after a reconnect. */
  current(): FileDiagnostics[];
  /** Empty sets for every file with diagnostics: what clears them on the server. */
  cleared(): FileDiagnostics[];
}

export function createDiagnosticsTracker(root: string): DiagnosticsTracker {
  const byFile = new Map<string, Diagnostic[]>();
  return {
    update(updates) {
      const changed: FileDiagnostics[] = [];
      for (const update of updates) {
        const file = toRootRelative(root, update.path);
        if (file === null) continue;
        const diagnostics = update.diagnostics.slice(0, MAX_PER_FILE).map(toProtocolDiagnostic);
        const before = byFile.get(file);
        if (diagnostics.length === 0 && !before) continue;
        if (before && JSON.stringify(before) === JSON.stringify(diagnostics)) continue;
        if (diagnostics.length === 0) byFile.delete(file);
        else byFile.set(file, diagnostics);
        changed.push({ file, diagnostics });
      }
      return changed;
    },
    current: () => [...byFile].map(([file, diagnostics]) => ({ file, diagnostics })),
    cleared: () => [...byFile.keys()].map((file) => ({ file, diagnostics: [] })),
  };
}
