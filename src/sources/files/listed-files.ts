/**
 * The files the native engine found by listing a new folder itself, with their stamp (size and
 * modification time) then. @parcel/watcher reports most of them again as created (those
 * written once its watch of the folder was on): such a `create` is the same file again, a
 * `change` at most, never a second `add`.
 *
 * Bounded: the watcher reports a listed file soon or never (it was written before the watch
 * began), so past a limit the oldest are dropped; the engine then errs on the side of a `change`.
 */

import type { BigIntStats } from 'node:fs';
import { stampOf } from '../../core/file-stamp.js';

/** Far more than a burst of new folders holds before the watcher's events about it arrive. */
const MAX_REMEMBERED = 10_000;

export interface ListedFiles {
  remember(path: string, stats: BigIntStats): void;
  /**
   * Whether the file changed since its listing (by its stamp), forgetting it: `undefined`
   * when it was not listed (or forgotten since).
   */
  takeChanged(path: string, stats: BigIntStats): boolean | undefined;
  forget(path: string): void;
  /** Forgets the files that `isGone` picks (absolute paths). */
  forgetWhere(isGone: (path: string) => boolean): void;
}

export function createListedFiles(maxRemembered = MAX_REMEMBERED): ListedFiles {
  const stamps = new Map<string, string>();
  return {
    remember(path, stats) {
      stamps.delete(path); // to the end: the oldest go first
      stamps.set(path, stampOf(stats));
      if (stamps.size > maxRemembered) stamps.delete(stamps.keys().next().value as string);
    },
    takeChanged(path, stats) {
      const stamp = stamps.get(path);
      if (stamp === undefined) return undefined;
      stamps.delete(path);
      return stamp !== stampOf(stats);
    },
    forget(path) {
      stamps.delete(path);
    },
    forgetWhere(isGone) {
      for (const path of stamps.keys()) if (isGone(path)) stamps.delete(path);
    },
  };
}
