/**
 * The git channel's request methods: `git.status`, `git.log { limit? }` and
 * `git.diff { file?, staged? }`. They answer UNAVAILABLE while there is no repository.
 */

import { isAbsolute, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { SidecarError } from '../../core/errors.js';
import { defineMethod, type MethodDefinition, noParams } from '../../core/methods.js';
import { previewValue } from '../../core/value-preview.js';
import type { GitStatus, MethodResult } from '../../protocol/index.js';
import type { GitClient } from './git-client.js';

/** What the methods need from a running git source. */
export interface ActiveRepository {
  root: string;
  git: GitClient;
  /** The status after a refresh that began after the call. */
  freshStatus(): Promise<GitStatus>;
}

export interface GitMethodLimits {
  /** `git.log` without a limit returns this many commits. */
  defaultLogEntries: number;
  /** `git.log` never returns more than this many, whatever `limit` asks. */
  maxLogEntries: number;
  /** `git.diff` output beyond this many bytes is cut, and `truncated` is true. */
  maxDiffBytes: number;
}

type LogEntry = MethodResult<'git.log'>[number];

const logParams = z
  .object({ limit: z.number().int().min(1, 'must be at least 1').optional() })
  .strict()
  .nullish()
  .transform((params) => params ?? {});

const diffParams = z
  .object({
    file: z
      .string()
      .min(1, 'must not be empty')
      .max(4096, 'is too long')
      .refine((file) => !file.includes('\0'), 'must not contain NUL')
      .optional(),
    staged: z.boolean().optional(),
  })
  .strict()
  .nullish()
  .transform((params) => params ?? {});

export function createGitMethods(
  active: () => ActiveRepository,
  limits: GitMethodLimits,
): MethodDefinition[] {
  return [
    defineMethod({
      name: 'git.status',
      params: noParams,
      handler: () => active().freshStatus(),
    }),
    defineMethod({
      name: 'git.log',
      params: logParams,
      async handler({ limit }): Promise<LogEntry[]> {
        const { git } = active();
        const count = Math.min(limit ?? limits.defaultLogEntries, limits.maxLogEntries);
        let output: string;
        try {
          output = await git.run(['log', `-n${count}`, '-z', '--format=%H%x00%s%x00%an%x00%aI']);
        } catch (error) {
          if (await hasNoCommits(git)) return [];
          throw error;
        }
        return parseLog(output);
      },
    }),
    defineMethod({
      name: 'git.diff',
      params: diffParams,
      async handler({ file, staged }, caller) {
        const { root, git } = active();
        const pathspec = file === undefined ? '.' : workspacePath(root, file);
        const args = ['diff', '--no-ext-diff', '--no-color'];
        if (staged) args.push('--cached');
        args.push('--', pathspec);
        const { output, truncated } = await git.runCapped(args, limits.maxDiffBytes, caller.signal);
        return { diff: output, truncated };
      },
    }),
  ];
}

/** `git log` output with `-z` and NUL-separated fields: four fields per commit. */
export function parseLog(output: string): LogEntry[] {
  const fields = output.replace(/\n$/, '').split('\0');
  const entries: LogEntry[] = [];
  for (let index = 0; index + 3 < fields.length; index += 4) {
    const [sha, subject, author, date] = fields.slice(index, index + 4) as [
      string,
      string,
      string,
      string,
    ];
    entries.push({ sha: sha.trim(), subject, author, date });
  }
  return entries;
}

async function hasNoCommits(git: GitClient): Promise<boolean> {
  try {
    await git.run(['rev-parse', '--verify', '--quiet', 'HEAD']);
    return false;
  } catch {
    return true;
  }
}

/**
 * `file` as a path relative to the workspace root, `/`-separated; INVALID_PARAMS when it leaves
 * the root (git would then read files the client was never given) or points into `.git`.
 */
export function workspacePath(root: string, file: string): string {
  const rel = relative(root, resolve(root, file));
  const segments = rel.split(sep);
  if (isAbsolute(rel) || segments[0] === '..') {
    throw invalidFile(`must stay inside the workspace (got ${previewValue(file)})`);
  }
  if (segments.includes('.git')) throw invalidFile('must not point into .git');
  return rel === '' ? '.' : segments.join('/');
}

function invalidFile(message: string): SidecarError {
  return new SidecarError('INVALID_PARAMS', `params: "file": ${message}`, {
    field: 'file',
    issues: [{ field: 'file', message }],
  });
}
