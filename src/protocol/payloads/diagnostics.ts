/**
 * The `diagnostics` channel: language servers' problems per file, the workspace totals, and the
 * snapshot that `diagnostics.get` also returns.
 */

export type DiagnosticSeverity = 'error' | 'warning' | 'info' | 'hint';
export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}
export interface Diagnostic {
  range: Range;
  severity: DiagnosticSeverity;
  message: string;
  code?: string | number;
  source?: string;
}
export interface DiagnosticsSummary {
  errors: number;
  warnings: number;
  infos: number;
  hints: number;
}
/** One file's latest diagnostics from one language server. */
export interface DiagnosticsFileEntry {
  /** Relative to the workspace root, `/`-separated. */
  file: string;
  uri: string;
  server: string;
  diagnostics: Diagnostic[];
}
/** `updated`: one file's new set from one server (empty = fixed), with the workspace totals. */
export interface DiagnosticsUpdatedData extends DiagnosticsFileEntry {
  summary: DiagnosticsSummary;
}
/** The `diagnostics` snapshot and the result of `diagnostics.get`: every file with problems. */
export interface DiagnosticsSnapshot {
  files: DiagnosticsFileEntry[];
  summary: DiagnosticsSummary;
}
