/**
 * `eslint -f json` output: an array of `{ filePath, messages: [{ ruleId, severity, message,
 * line, column, endLine?, endColumn?, fatal? }] }` on stdout. Severity 2 is an error, 1 a
 * warning; a message without a position (a file-level notice) is put on line 1, column 1.
 * Output that is not this JSON (a crash, a cut-off run) gives no problems.
 */

import { z } from 'zod';
import type { ValidationProblem } from '../../../protocol/index.js';
import type { ProblemMatcher } from './common.js';

const position = z.number().int().positive().optional().catch(undefined);

const eslintMessageSchema = z.object({
  ruleId: z.string().nullish().catch(null),
  severity: z.number(),
  message: z.string(),
  line: position,
  column: position,
  endLine: position,
  endColumn: position,
});

const eslintResultSchema = z.object({
  filePath: z.string(),
  messages: z.array(z.unknown()),
});

export const matchEslintJson: ProblemMatcher = (output, paths) => {
  const results = parseResults(output.stdout);
  const problems: ValidationProblem[] = [];
  for (const item of results) {
    const result = eslintResultSchema.safeParse(item);
    if (!result.success) continue;
    const file = paths.toRelative(result.data.filePath);
    if (file === null) continue;
    for (const raw of result.data.messages) {
      const parsed = eslintMessageSchema.safeParse(raw);
      if (!parsed.success) continue;
      const message = parsed.data;
      const problem: ValidationProblem = {
        file,
        line: message.line ?? 1,
        column: message.column ?? 1,
        severity: message.severity >= 2 ? 'error' : message.severity === 1 ? 'warning' : 'info',
        message: message.message,
      };
      if (message.endLine !== undefined) problem.endLine = message.endLine;
      if (message.endColumn !== undefined) problem.endColumn = message.endColumn;
      if (message.ruleId) problem.code = message.ruleId;
      problems.push(problem);
    }
  }
  return problems;
};

function parseResults(stdout: string): unknown[] {
  // The report is one line; a plugin may have printed something before it.
  const lines = stdout.split('\n');
  for (let index = lines.length - 1; index >= 0; index--) {
    if (!lines[index]!.startsWith('[')) continue;
    try {
      const value: unknown = JSON.parse(lines.slice(index).join('\n'));
      return Array.isArray(value) ? value : [];
    } catch {
      return [];
    }
  }
  return [];
}
