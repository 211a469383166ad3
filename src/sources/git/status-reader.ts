/**
 * Reads the repository's status in the protocol's shape: one `git status --porcelain=v2` (a
 * child process, so a big repository never blocks the event loop), plus `git show` only when
 * HEAD points at a commit it has not described yet, plus a look at the git dir for an operation
 * in progress.
 */

import { posix } from 'node:path';
import type { GitStatus } from '../../protocol/index.js';
import type { GitClient } from './git-client.js';
import { detectOperation } from './git-dir-state.js';
import { parsePorcelainV2 } from './porcelain.js';
import type { Repository } from './repository.js';

export interface HeadCommit {
  sha: string;
  subject: string;
  author: string;
}

export interface StatusReading {
  status: GitStatus;
  /** HEAD's commit in full (the status carries only sha and subject), or null on an unborn branch. */
  head: HeadCommit | null;
}

export interface StatusReader {
  read(): Promise<StatusReading>;
}

export interface StatusReaderOptions {
  git: GitClient;
  repository: Repository;
  /** Each path list keeps at most this many entries; `truncated` says when one was cut. */
  maxPaths: number;
}

/** How many commits' subjects and authors are remembered. */
const DESCRIBED_COMMITS_KEPT = 64;

export function createStatusReader(options: StatusReaderOptions): StatusReader {
  const { git, repository, maxPaths } = options;
  /** Commits never change, so what `git show` said about one holds; switching back costs nothing. */
  const described = new Map<string, HeadCommit>();

  async function describeCommit(sha: string): Promise<HeadCommit> {
    const known = described.get(sha);
    if (known) return known;
    const output = await git.run(['show', '-s', '--format=%H%x00%s%x00%an', sha, '--']);
    const [fullSha = sha, subject = '', author = ''] = output.replace(/\n$/, '').split('\0');
    const commit = { sha: fullSha, subject, author };
    if (described.size >= DESCRIBED_COMMITS_KEPT) described.clear();
    described.set(sha, commit);
    return commit;
  }

  // git prints paths from the top of the worktree; clients get them from the workspace root.
  const fromRoot = (path: string) => {
    if (repository.prefix === '') return path;
    // An untracked folder keeps its trailing slash, which posix.relative would drop.
    const rel = posix.relative(repository.prefix, path);
    return path.endsWith('/') ? `${rel}/` : rel;
  };

  return {
    async read() {
      // `.` from the workspace root: a workspace inside a bigger repository sees its own files.
      const [output, operation] = await Promise.all([
        git.run([
          'status',
          '--porcelain=v2',
          '--branch',
          '-z',
          '--untracked-files=normal',
          '--',
          '.',
        ]),
        detectOperation(repository.gitDir),
      ]);
      const parsed = parsePorcelainV2(output);
      const head = parsed.oid ? await describeCommit(parsed.oid) : null;
      let truncated = parsed.renamed.length > maxPaths;
      const capped = (paths: string[]) => {
        if (paths.length > maxPaths) truncated = true;
        return paths.slice(0, maxPaths).map(fromRoot);
      };
      const status: GitStatus = {
        branch: parsed.branch,
        head: head && { sha: head.sha, subject: head.subject },
        detached: parsed.branch === null,
        upstream: parsed.upstream,
        ahead: parsed.ahead,
        behind: parsed.behind,
        staged: capped(parsed.staged),
        modified: capped(parsed.modified),
        untracked: capped(parsed.untracked),
        conflicted: capped(parsed.conflicted),
        renamed: parsed.renamed
          .slice(0, maxPaths)
          .map(({ from, to }) => ({ from: fromRoot(from), to: fromRoot(to) })),
        operation,
        truncated,
      };
      return { status, head };
    },
  };
}
