/**
 * The `diagnostics` fold: per file, per language server, the latest list (an `updated` replaces
 * it, an empty one removes it) and the workspace totals sent with each. A snapshot replaces
 * everything, which is also how a resume after a gap or a server restart starts over.
 */
import type {
  Diagnostic,
  DiagnosticsFileEntry,
  DiagnosticsSnapshot,
  DiagnosticsSummary,
} from '../../protocol/index.js';
import type { Keeper } from './keeper.js';
import type { DiagnosticsState, LiveDiagnostic } from './types.js';

interface FileEntry {
  byServer: Map<string, Diagnostic[]>;
  /** The merged list, rebuilt only when this file changed. */
  merged: readonly LiveDiagnostic[] | null;
}

const NO_PROBLEMS: DiagnosticsSummary = { errors: 0, warnings: 0, infos: 0, hints: 0 };

export function createDiagnosticsKeeper(): Keeper<DiagnosticsState> {
  const files = new Map<string, FileEntry>();
  let ready = false;
  let summary = NO_PROBLEMS;

  function take(entry: DiagnosticsFileEntry): void {
    const current = files.get(entry.file) ?? { byServer: new Map(), merged: null };
    if (entry.diagnostics.length > 0) current.byServer.set(entry.server, entry.diagnostics);
    else current.byServer.delete(entry.server);
    current.merged = null;
    if (current.byServer.size > 0) files.set(entry.file, current);
    else files.delete(entry.file);
  }

  return {
    apply(message) {
      if (message.type === 'snapshot') {
        const snapshot = message.data as DiagnosticsSnapshot;
        files.clear();
        for (const entry of snapshot.files) take(entry);
        summary = { ...snapshot.summary };
        ready = true;
        return true;
      }
      if (message.event !== 'updated') return false;
      const data = message.data as DiagnosticsFileEntry & { summary: DiagnosticsSummary };
      take(data);
      summary = { ...data.summary };
      return true;
    },
    build() {
      const view = new Map<string, readonly LiveDiagnostic[]>();
      for (const [file, entry] of files) {
        entry.merged ??= Object.freeze(
          [...entry.byServer]
            .flatMap(([server, list]) => list.map((item) => ({ ...item, server })))
            .sort((a, b) => a.range.start.line - b.range.start.line),
        );
        view.set(file, entry.merged);
      }
      return Object.freeze({ ready, files: view, summary: Object.freeze(summary) });
    },
  };
}
