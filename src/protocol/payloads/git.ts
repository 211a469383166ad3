/** The `git` channel: the repository's status (its snapshot and `git.status`), branch and commit events. */

export type GitOperation = 'merge' | 'rebase' | 'cherry-pick' | 'revert' | 'bisect' | null;
export interface GitStatus {
  branch: string | null;
  head: { sha: string; subject: string } | null;
  detached: boolean;
  /** The branch's upstream (`origin/main`), or null (a sidecar addition). */
  upstream: string | null;
  ahead: number;
  behind: number;
  /** These four: paths relative to the workspace root, `/`-separated. */
  staged: string[];
  modified: string[];
  untracked: string[];
  conflicted: string[];
  /** Renames recorded in the index (a sidecar addition); the new path is in `staged` too. */
  renamed: { from: string; to: string }[];
  operation: GitOperation;
  /** True when a path list was cut at its cap (a sidecar addition). */
  truncated: boolean;
  [extra: string]: unknown;
}
export interface GitBranchData {
  from: string | null;
  to: string | null;
}
export interface GitCommitData {
  sha: string;
  subject: string;
  author: string;
}
