/** The `validation` channel: a check's run started and completed, and the channel's snapshot. */

import type { DiagnosticSeverity } from './diagnostics.js';

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
