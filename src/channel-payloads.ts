/**
 * The `data` of the built-in channels' events, snapshots and requests: diagnostics, git, search,
 * validation and ai-response. Types only (no runtime code), re-exported by `protocol.ts`, so the
 * browser loads nothing more.
 */

import type { ErrorBody } from './protocol.js';

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

export type GitOperation = 'merge' | 'rebase' | 'cherry-pick' | 'revert' | 'bisect' | null;
export interface GitStatus {
  branch: string | null;
  head: { sha: string; subject: string } | null;
  detached: boolean;
  /** The branch's upstream (`origin/main`), or null (a sidecar addition). */
  upstream: string | null;
  ahead: number;
  behind: number;
  /** These four: paths relative to the workspace root, `/`-separated. */
  staged: string[];
  modified: string[];
  untracked: string[];
  conflicted: string[];
  /** Renames recorded in the index (a sidecar addition); the new path is in `staged` too. */
  renamed: { from: string; to: string }[];
  operation: GitOperation;
  /** True when a path list was cut at its cap (a sidecar addition). */
  truncated: boolean;
  [extra: string]: unknown;
}
export interface GitBranchData {
  from: string | null;
  to: string | null;
}
export interface GitCommitData {
  sha: string;
  subject: string;
  author: string;
}

export interface SearchMatch {
  file: string;
  /** 1-based. */
  line: number;
  /** 0-based, in characters (UTF-16 code units) from the start of the line. */
  column: number;
  /** The matching line, or a window of it when the line is very long (see `textStart`). */
  text: string;
  /** Ranges within `text`: `text.slice(start, end)` is what matched. */
  matches: { start: number; end: number }[];
  /** Present when `text` is a window of a long line: where the window starts in the line. */
  textStart?: number;
  /** With `contextLines`: the lines just before and after (nearest last / first). */
  before?: string[];
  after?: string[];
}
export type SearchEngineName = 'ripgrep' | 'builtin';
export interface SearchProgressData {
  searchId: string;
  query: string;
  engine?: SearchEngineName;
  /** Results (matching lines) so far. */
  count?: number;
  [extra: string]: unknown;
}
export interface SearchResultsData {
  searchId: string;
  query?: string;
  results: SearchMatch[];
}
export interface SearchDoneData {
  searchId: string;
  query?: string;
  count: number;
  filesSearched: number;
  durationMs: number;
  truncated: boolean;
  cancelled: boolean;
  engine?: SearchEngineName;
  /** Why the search stopped early, when the engine failed. */
  error?: string;
}

export interface ValidationProblem {
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  severity: DiagnosticSeverity;
  message: string;
  code?: string;
}
export interface ValidationStartedData {
  runId: string;
  tool: string;
  trigger: string;
}
export interface ValidationCompleteData {
  runId: string;
  tool: string;
  /** Exited with 0, reported no error, and was neither cancelled, timed out nor cut off. */
  ok: boolean;
  /** null when the process was killed or never started. */
  exitCode: number | null;
  durationMs: number;
  problems: ValidationProblem[];
  /** A newer run of the same tool (or shutdown) stopped this one; its problems are not a verdict. */
  cancelled: boolean;
  /** Killed after `timeoutMs`. */
  timedOut: boolean;
  /** The output passed its cap (the process was killed) or the problems passed their cap. */
  truncated: boolean;
  /** Why the run gave no usable verdict: could not start, timed out, or failed without problems. */
  error?: string;
}
/** The `validation` snapshot: each validator's state and its last result that was not cancelled. */
export interface ValidationSnapshot {
  validators: {
    tool: string;
    state: 'idle' | 'running' | 'unavailable';
    /** The run in progress, while `running`. */
    runId?: string;
    /** Why it is `unavailable`. */
    message?: string;
  }[];
  results: Record<string, ValidationCompleteData>;
}

export interface AiChunkData {
  /** The stream's id. */
  id: string;
  chunk: string;
  /** Counts the chunks of stream `id` from 0. */
  index: number;
  finished: boolean;
  [extra: string]: unknown;
}
/** Token counts, when the provider reports them. */
export interface AiUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
}
/** The last event of a stream that ended normally (`finished: true`). */
export interface AiDoneData extends AiChunkData {
  /** The provider's own reason (`stop`, `end_turn`, `length`, …), `cancelled` after `ai.cancel`. */
  stopReason?: string | null;
  usage?: AiUsage;
  /** `ai.chat` streams: which configured provider and model answered. */
  provider?: string;
  model?: string;
  /** True when `ai.cancel` ended the stream. */
  cancelled?: boolean;
}
/** The last event of a stream that failed (`finished: true`). */
export interface AiErrorData extends AiChunkData {
  /** Set by the sidecar (timeouts, `ai.chat` failures); producers may send their own fields. */
  error?: ErrorBody;
}
