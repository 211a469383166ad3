/**
 * The `file:line:col: severity: message` lines most compilers and linters print (gcc, clang,
 * go vet, cargo's short format, ruff…). The column and the severity word may be missing: the
 * column is then 1 and the severity `error`, and whatever follows the position is the message.
 */

import type { ValidationProblem } from '../../../protocol/index.js';
import { outputLines, type ProblemMatcher, toPosition, toSeverity } from './common.js';

const GENERIC =
  /^(?<file>(?:[A-Za-z]:)?[^:\s][^:]*?):(?<line>\d+)(?::(?<column>\d+))?:\s*(?:(?<severity>fatal error|error|warning|warn|info|information|note|hint)\s*:\s*)?(?<message>\S.*)$/i;

export const matchGeneric: ProblemMatcher = (output, paths) => {
  const problems: ValidationProblem[] = [];
  for (const line of outputLines(output)) {
    const groups = GENERIC.exec(line)?.groups;
    if (!groups) continue;
    const file = paths.toRelative(groups.file!);
    const lineNumber = toPosition(groups.line);
    if (file === null || lineNumber === null) continue;
    problems.push({
      file,
      line: lineNumber,
      column: toPosition(groups.column) ?? 1,
      severity: toSeverity(groups.severity),
      message: groups.message!.trim(),
    });
  }
  return problems;
};
