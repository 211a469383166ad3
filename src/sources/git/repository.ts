/**
 * Finds the git repository that holds the workspace root: the root may be the top of the
 * repository, a folder inside it, or a linked worktree (whose `.git` is a file that points at
 * `gitdir: …/.git/worktrees/<name>`). git answers all three itself, so we ask it.
 */

import { resolve } from 'node:path';
import { describeGitError, type GitClient, isGitMissing } from './git-client.js';

export interface Repository {
  /** This worktree's own git dir: HEAD, index, MERGE_HEAD, rebase state live here. */
  gitDir: string;
  /** The git dir shared by all worktrees: branches, tags, packed-refs. Equals gitDir normally. */
  commonDir: string;
  /** The worktree's top folder. */
  topLevel: string;
  /** The workspace root's path inside the worktree, `/`-separated: `''` at the top, else `pkg/app`. */
  prefix: string;
}

export type RepositoryLookup =
  | { found: true; repository: Repository }
  /** `gitMissing`: git itself cannot run, so watching for a `.git` to appear is pointless. */
  | { found: false; reason: string; gitMissing: boolean };

export async function findRepository(root: string, git: GitClient): Promise<RepositoryLookup> {
  let output: string;
  try {
    output = await git.run([
      'rev-parse',
      '--git-dir',
      '--git-common-dir',
      '--show-toplevel',
      '--show-prefix',
    ]);
  } catch (error) {
    if (isGitMissing(error)) {
      return {
        found: false,
        reason: 'git was not found: install git (and make sure it is on PATH), then restart',
        gitMissing: true,
      };
    }
    return { found: false, reason: describeGitError(error), gitMissing: false };
  }
  // One answer per line; a path with a newline in it would break this, and git forbids none,
  // so we check the count rather than trust it.
  const lines = output.replace(/\n$/, '').split('\n');
  if (lines.length !== 4 || !lines[2]) {
    return {
      found: false,
      reason: `the workspace is not inside a git working tree (${JSON.stringify(output.slice(0, 200))})`,
      gitMissing: false,
    };
  }
  const [gitDir, commonDir, topLevel, prefix] = lines as [string, string, string, string];
  return {
    found: true,
    repository: {
      // Both may be printed relative to where git ran: the workspace root.
      gitDir: resolve(root, gitDir),
      commonDir: resolve(root, commonDir),
      topLevel: resolve(topLevel),
      prefix: prefix.replace(/\/$/, ''),
    },
  };
}
