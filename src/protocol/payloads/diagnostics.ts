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
/** Whether language servers are still at work (`checking`) or have answered for everything (`idle`). */
export type DiagnosticsActivityState = 'checking' | 'idle';
/** `system` `diagnostics`: sent when the overall or a server's activity changes. */
export interface DiagnosticsActivityData {
  state: DiagnosticsActivityState;
  servers: { name: string; state: DiagnosticsActivityState }[];
}
/** `diagnostics.wait` params: root-relative files to wait for (all when absent). */
export interface DiagnosticsWaitParams {
  files?: string[];
  timeoutMs?: number;
}
/** `diagnostics.wait` result: `settled` is false when `timeoutMs` ran out first. */
export interface DiagnosticsWaitResult {
  settled: boolean;
  state: DiagnosticsActivityState;
  /** Files still waited for, root-relative (of those asked about, when files were given). */
  pending: string[];
}
/** The `diagnostics` snapshot and the result of `diagnostics.get`: every file with problems. */
export interface DiagnosticsSnapshot {
  files: DiagnosticsFileEntry[];
  summary: DiagnosticsSummary;
}
