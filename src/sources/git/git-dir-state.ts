/**
 * What the files in a worktree's git dir say, without running git: which operation is in
 * progress, and whether a git command is writing the index right now.
 */

import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { GitOperation } from '../../protocol/index.js';

/**
 * Marker files of an operation in progress, checked in this order. `rebase-apply/rebasing`
 * tells a rebase from `git am`, which uses the same folder and is not an operation we report.
 */
const OPERATION_MARKERS: readonly [string, Exclude<GitOperation, null>][] = [
  ['rebase-merge', 'rebase'],
  ['rebase-apply/rebasing', 'rebase'],
  ['MERGE_HEAD', 'merge'],
  ['CHERRY_PICK_HEAD', 'cherry-pick'],
  ['REVERT_HEAD', 'revert'],
  ['BISECT_LOG', 'bisect'],
];

export async function detectOperation(gitDir: string): Promise<GitOperation> {
  const present = await Promise.all(
    OPERATION_MARKERS.map(([marker]) => exists(join(gitDir, marker))),
  );
  const index = present.indexOf(true);
  return index === -1 ? null : OPERATION_MARKERS[index]![1];
}

/** True while some git command holds the index lock (a checkout or commit is under way). */
export function isIndexLocked(gitDir: string): Promise<boolean> {
  return exists(join(gitDir, 'index.lock'));
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
