/**
 * What a subscriber is told when the status is read again: the events between two readings,
 * in the order they are sent. Pure, so the rules are easy to test and to read.
 */

import type { GitBranchData, GitCommitData, GitStatus } from '../../protocol/index.js';
import type { StatusReading } from './status-reader.js';

export type GitChange =
  | { event: 'branch'; data: GitBranchData }
  | { event: 'commit'; data: GitCommitData }
  | { event: 'status'; data: GitStatus };

/**
 * - `branch { from, to }` when the checked-out branch changed (a detached HEAD is `null`);
 * - `commit { sha, subject, author }` when HEAD points at another commit while the branch stayed
 *   the same: a commit, an amend, a merge, a pull, a reset, each step of a rebase;
 * - `status` when anything in the status differs. Nothing at all when nothing changed.
 * `previous` is null for the first reading, which is sent as a `status` alone.
 */
export function changesBetween(previous: StatusReading | null, next: StatusReading): GitChange[] {
  if (!previous) return [{ event: 'status', data: next.status }];
  const changes: GitChange[] = [];
  const from = previous.status.branch;
  const to = next.status.branch;
  if (from !== to) {
    changes.push({ event: 'branch', data: { from, to } });
  } else if (next.head && next.head.sha !== previous.head?.sha) {
    const { sha, subject, author } = next.head;
    changes.push({ event: 'commit', data: { sha, subject, author } });
  }
  if (!isSameStatus(previous.status, next.status)) {
    changes.push({ event: 'status', data: next.status });
  }
  return changes;
}

/** Deep equality of two statuses; both are built field by field in the same order. */
export function isSameStatus(a: GitStatus, b: GitStatus): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
