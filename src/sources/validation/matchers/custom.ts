/**
 * A matcher from the config: a regular expression tried on each output line, and which capture
 * group holds which field, as in VS Code's problem matchers. A line whose file or line group is
 * empty, or whose file is outside the workspace, is skipped.
 */

import type { ValidationProblem } from '../../../protocol/index.js';
import type { CustomMatcherConfig } from '../validator-config.js';
import { outputLines, type ProblemMatcher, toPosition, toSeverity } from './common.js';

export function createCustomMatcher(config: Readonly<CustomMatcherConfig>): ProblemMatcher {
  const pattern = new RegExp(config.regexp);
  const group = (match: RegExpExecArray, index: number | undefined) =>
    index === undefined ? undefined : match[index];
  return (output, paths) => {
    const problems: ValidationProblem[] = [];
    for (const line of outputLines(output)) {
      const match = pattern.exec(line);
      if (!match) continue;
      const fileText = group(match, config.file);
      const file = fileText === undefined ? null : paths.toRelative(fileText);
      const lineNumber = toPosition(group(match, config.line));
      if (file === null || lineNumber === null) continue;
      const problem: ValidationProblem = {
        file,
        line: lineNumber,
        column: toPosition(group(match, config.column)) ?? 1,
        severity:
          typeof config.severity === 'string'
            ? config.severity
            : toSeverity(group(match, config.severity)),
        message: (group(match, config.message) ?? '').trim(),
      };
      const endLine = toPosition(group(match, config.endLine));
      const endColumn = toPosition(group(match, config.endColumn));
      const code = group(match, config.code);
      if (endLine !== null) problem.endLine = endLine;
      if (endColumn !== null) problem.endColumn = endColumn;
      if (code) problem.code = code;
      problems.push(problem);
    }
    return problems;
  };
}
