/**
 * The `git` fold: `status` and the snapshot (the status, or null outside a repository) replace
 * the status; `branch` and `commit` are kept as recent activity, newest first.
 */
import type { GitStatus } from '../../protocol/index.js';
import type { Keeper } from './keeper.js';
import { type GitActivity, type GitState, LIVE_LIMITS } from './types.js';

export function createGitKeeper(): Keeper<GitState> {
  let ready = false;
  let status: GitStatus | null = null;
  let activity: readonly GitActivity[] = [];

  return {
    apply(message) {
      if (message.type === 'snapshot') {
        status = (message.data as GitStatus | null) ?? null;
        ready = true;
        return true;
      }
      const { event, timestamp, seq } = message;
      if (event === 'status') status = message.data as GitStatus;
      else if (event === 'branch' || event === 'commit') {
        const entry = { event, data: message.data, timestamp, seq } as GitActivity;
        activity = [entry, ...activity].slice(0, LIVE_LIMITS.gitActivity);
      } else return false;
      return true;
    },
    build: () => Object.freeze({ ready, status, activity }),
  };
}
