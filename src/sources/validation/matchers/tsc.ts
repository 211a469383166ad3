/**
 * `tsc` output. Plain (`--pretty false`, or any run whose stdout is not a terminal):
 *
 *   src/a.ts(2,7): error TS2322: Type 'string' is not assignable to type 'number'.
 *     Indented lines continue the message (chained diagnostics).
 *
 * Pretty (`--pretty`, colors stripped first), followed by a blank line and a code frame:
 *
 *   src/a.ts:2:7 - error TS2322: Type 'string' is not assignable to type 'number'.
 *
 * Errors without a location (`error TS5058: The specified path does not exist`) are not
 * problems in a file; the run's `error` reports them when nothing else explains a failure.
 */

import type { ValidationProblem } from '../../../protocol/index.js';
import { outputLines, type ProblemMatcher, toPosition, toSeverity } from './common.js';

const PLAIN =
  /^(?<file>[^\s].*?)\((?<line>\d+),(?<column>\d+)\): (?<severity>error|warning|message) (?<code>TS\d+): (?<message>.*)$/;
const PRETTY =
  /^(?<file>[^\s].*?):(?<line>\d+):(?<column>\d+) - (?<severity>error|warning|message) (?<code>TS\d+): (?<message>.*)$/;
const CONTINUATION = /^ {2,}\S/;

export const matchTsc: ProblemMatcher = (output, paths) => {
  const problems: ValidationProblem[] = [];
  // The problem whose message indented lines continue; null when the last line ended it.
  let current: ValidationProblem | null = null;
  for (const line of outputLines(output)) {
    const match = PLAIN.exec(line) ?? PRETTY.exec(line);
    if (match?.groups) {
      current = null;
      const { groups } = match;
      const file = paths.toRelative(groups.file!);
      const lineNumber = toPosition(groups.line);
      const column = toPosition(groups.column);
      if (file === null || lineNumber === null || column === null) continue;
      current = {
        file,
        line: lineNumber,
        column,
        severity: toSeverity(groups.severity),
        message: groups.message!,
        code: groups.code!,
      };
      problems.push(current);
    } else if (current && CONTINUATION.test(line)) {
      current.message += `\n${line.slice(2)}`;
    } else {
      current = null;
    }
  }
  return problems;
};
