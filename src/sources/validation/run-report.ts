/** Turns a finished validator process into the `complete` event's data. */

import type { ValidationCompleteData, ValidationProblem } from '../../protocol/index.js';
import { stripAnsi } from './matchers/common.js';
import type { ProblemMatcher, WorkspacePaths } from './matchers/index.js';
import type { ProcessResult } from './process-runner.js';
import type { ResolvedValidator } from './validator-config.js';

/** One run's problems are capped so one event (and the history holding it) stays bounded. */
export const MAX_PROBLEMS_PER_RUN = 5000;
/** How much of a failing tool's output the `error` field quotes. */
const OUTPUT_TAIL_CHARS = 2000;

export function reportRun(input: {
  runId: string;
  validator: ResolvedValidator;
  result: ProcessResult;
  matcher: ProblemMatcher;
  paths: WorkspacePaths;
  /** Problems a matcher throws on are logged here, never thrown. */
  onMatcherError: (error: unknown) => void;
}): ValidationCompleteData {
  const { runId, validator, result } = input;
  let problems: ValidationProblem[] = [];
  if (result.spawnError === undefined && !result.cancelled) {
    try {
      problems = input.matcher(result, input.paths);
    } catch (error) {
      input.onMatcherError(error);
    }
  }
  const tooMany = problems.length > MAX_PROBLEMS_PER_RUN;
  if (tooMany) problems = problems.slice(0, MAX_PROBLEMS_PER_RUN);
  const truncated = result.truncated || tooMany;
  const hasErrors = problems.some((problem) => problem.severity === 'error');
  const ok =
    result.exitCode === 0 && !hasErrors && !result.cancelled && !result.timedOut && !truncated;
  const data: ValidationCompleteData = {
    runId,
    tool: validator.name,
    ok,
    exitCode: result.exitCode,
    durationMs: result.durationMs,
    problems,
    cancelled: result.cancelled,
    timedOut: result.timedOut,
    truncated,
  };
  const error = explainFailure(validator, result, problems.length);
  if (error !== undefined) data.error = error;
  return data;
}

function explainFailure(
  validator: ResolvedValidator,
  result: ProcessResult,
  problemCount: number,
): string | undefined {
  if (result.spawnError !== undefined) {
    return `could not start ${validator.command}: ${result.spawnError}`;
  }
  if (result.cancelled) return undefined;
  if (result.timedOut) {
    return `timed out after ${validator.timeoutMs} ms; the process and its children were killed`;
  }
  if (result.truncated) {
    return `printed more than ${validator.maxOutputBytes} bytes; the process and its children were killed`;
  }
  if (result.exitCode !== 0 && problemCount === 0) {
    const tail = outputTail(result);
    return `exited with code ${result.exitCode} and reported no problems${tail ? `: ${tail}` : ''}`;
  }
  return undefined;
}

/** The end of what the tool printed (stderr first: that is where tools explain a failure). */
function outputTail(result: ProcessResult): string {
  const text = stripAnsi(result.stderr.trim() || result.stdout.trim());
  return text.length > OUTPUT_TAIL_CHARS ? `…${text.slice(-OUTPUT_TAIL_CHARS)}` : text;
}
