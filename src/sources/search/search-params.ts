/**
 * The params of `search.start` and `search.cancel`, checked once at the door: an empty query,
 * a regex the dialect refuses, or a glob that leaves the root answer INVALID_PARAMS naming the
 * field and the problem.
 */

import { z } from 'zod';
import { escapeRegex, RegexDialectError, validateRegex } from './regex-dialect.js';

export const SEARCH_LIMITS = Object.freeze({
  maxQueryLength: 1000,
  maxResults: 20_000,
  maxContextLines: 10,
  maxGlobs: 100,
  maxGlobLength: 500,
});

/** Why a glob is refused, or null when it stays inside the root. */
export function globProblem(glob: string): string | null {
  if (glob.includes('\0')) return 'must not contain a NUL character';
  if (glob.startsWith('/') || glob.startsWith('\\') || /^[A-Za-z]:/.test(glob)) {
    return 'must be relative to the workspace root, not absolute';
  }
  if (glob.startsWith('~')) return 'must be relative to the workspace root, not start with ~';
  if (glob.split(/[\\/]/).includes('..')) return 'must not leave the workspace root with ..';
  if (glob.startsWith('!')) return 'must not start with ! (put the pattern in "exclude")';
  return null;
}

const globList = z
  .array(
    z
      .string()
      .min(1, 'must not be empty')
      .max(SEARCH_LIMITS.maxGlobLength)
      .superRefine((glob, ctx) => {
        const problem = globProblem(glob);
        if (problem)
          ctx.addIssue({ code: 'custom', message: `glob ${JSON.stringify(glob)} ${problem}` });
      }),
  )
  .max(SEARCH_LIMITS.maxGlobs);

export const searchStartParams = z
  .object({
    query: z.string().min(1, 'must not be empty').max(SEARCH_LIMITS.maxQueryLength),
    regex: z.boolean().default(false),
    caseSensitive: z.boolean().default(false),
    wholeWord: z.boolean().default(false),
    include: globList.default([]),
    exclude: globList.default([]),
    maxResults: z.number().int().min(1).max(SEARCH_LIMITS.maxResults).optional(),
    contextLines: z.number().int().min(0).max(SEARCH_LIMITS.maxContextLines).default(0),
  })
  .strict()
  .superRefine((params, ctx) => {
    const problem = queryProblem(params.query, params.regex);
    if (problem) ctx.addIssue({ code: 'custom', path: ['query'], message: problem });
  });

export type SearchStartParams = z.infer<typeof searchStartParams>;

export const searchCancelParams = z.object({ searchId: z.string().min(1).max(100) }).strict();

function queryProblem(query: string, regex: boolean): string | null {
  try {
    validateRegex(regex ? query : escapeRegex(query));
    return null;
  } catch (error) {
    if (error instanceof RegexDialectError)
      return regex ? `invalid regex: ${error.message}` : error.message;
    // V8's SyntaxError: "Invalid regular expression: /(/u: Unterminated group".
    const reason = (error as Error).message.replace(
      /^Invalid regular expression: \/.*\/\w*: /s,
      '',
    );
    return `invalid regex: ${reason}`;
  }
}
