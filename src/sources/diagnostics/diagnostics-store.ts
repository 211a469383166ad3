/**
 * The current diagnostics: per file, per server, the latest full set. A new set replaces the
 * old one (so fixed problems go away) and an empty set removes the file. The workspace totals
 * are kept up to date as sets come and go.
 */

import type {
  Diagnostic,
  DiagnosticsFileEntry,
  DiagnosticsSnapshot,
  DiagnosticsSummary,
} from '../../protocol/index.js';

export interface DiagnosticsStore {
  /**
   * Records `server`'s set for `file`; returns false when it equals what was there (servers
   * republish unchanged sets after every edit, and those are not news).
   */
  set(entry: DiagnosticsFileEntry): boolean;
  /** Files that `server` has problems in (`file` only, when given). */
  filesOf(server: string, file?: string): DiagnosticsFileEntry[];
  has(file: string, server: string): boolean;
  summary(): DiagnosticsSummary;
  /** Every file with problems, sorted by file then server; or only `file`'s entries. */
  snapshot(file?: string): DiagnosticsSnapshot;
}

interface StoredEntry {
  entry: DiagnosticsFileEntry;
  /** The set as JSON, to tell a changed set from a republished one. */
  key: string;
  counts: DiagnosticsSummary;
}

const emptySummary = (): DiagnosticsSummary => ({
  errors: 0,
  warnings: 0,
  infos: 0,
  hints: 0,
});

const COUNTER_OF = {
  error: 'errors',
  warning: 'warnings',
  info: 'infos',
  hint: 'hints',
} as const satisfies Record<Diagnostic['severity'], keyof DiagnosticsSummary>;

function countBySeverity(diagnostics: readonly Diagnostic[]): DiagnosticsSummary {
  const counts = emptySummary();
  for (const { severity } of diagnostics) counts[COUNTER_OF[severity]]++;
  return counts;
}

function addInto(total: DiagnosticsSummary, counts: DiagnosticsSummary, sign: 1 | -1): void {
  total.errors += sign * counts.errors;
  total.warnings += sign * counts.warnings;
  total.infos += sign * counts.infos;
  total.hints += sign * counts.hints;
}

export function createDiagnosticsStore(): DiagnosticsStore {
  /** file → server → entry */
  const byFile = new Map<string, Map<string, StoredEntry>>();
  const total = emptySummary();

  function entriesOf(file: string): StoredEntry[] {
    const servers = byFile.get(file);
    if (!servers) return [];
    return [...servers.values()].sort((a, b) => (a.entry.server < b.entry.server ? -1 : 1));
  }

  return {
    set(entry) {
      const servers = byFile.get(entry.file);
      const previous = servers?.get(entry.server);
      const key = JSON.stringify(entry.diagnostics);
      if ((previous?.key ?? '[]') === key) return false;
      if (previous) {
        addInto(total, previous.counts, -1);
        servers!.delete(entry.server);
        if (servers!.size === 0) byFile.delete(entry.file);
      }
      if (entry.diagnostics.length > 0) {
        const counts = countBySeverity(entry.diagnostics);
        addInto(total, counts, 1);
        const stored: StoredEntry = { entry: { ...entry }, key, counts };
        const target = byFile.get(entry.file) ?? new Map<string, StoredEntry>();
        target.set(entry.server, stored);
        byFile.set(entry.file, target);
      }
      return true;
    },
    filesOf(server, file) {
      const files = file === undefined ? [...byFile.keys()] : [file];
      return files.flatMap((name) => {
        const stored = byFile.get(name)?.get(server);
        return stored ? [stored.entry] : [];
      });
    },
    has: (file, server) => byFile.get(file)?.has(server) ?? false,
    summary: () => ({ ...total }),
    snapshot(file) {
      if (file !== undefined) {
        const entries = entriesOf(file);
        const counts = emptySummary();
        for (const stored of entries) addInto(counts, stored.counts, 1);
        return { files: entries.map((stored) => stored.entry), summary: counts };
      }
      const files = [...byFile.keys()].sort().flatMap((name) => entriesOf(name));
      return { files: files.map((stored) => stored.entry), summary: { ...total } };
    },
  };
}
