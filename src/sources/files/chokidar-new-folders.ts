/**
 * Closes chokidar's gap for new folders. Chokidar reads a folder that appeared, then starts
 * watching it: a file written in between is in neither, so its `add` never comes (until
 * something else changes in that folder). Here, once the watch of a folder that appeared after
 * the initial scan is on, chokidar is asked to read the folder once more, as its own watch would
 * on a change: it reports only what it has not seen yet, so nothing is reported twice.
 *
 * Chokidar has no public hook for "this folder is now watched", so this wraps its internal
 * `_watchWithNodeFs`; `hookNewFolders` returns null when that is missing (a chokidar that
 * changed), and the test of the engine says so.
 */

import type { FSWatcher } from 'chokidar';

/** What chokidar passes its folder watch: re-reads the folder (`stats` only for polling). */
type FolderListener = (path: string, stats?: unknown) => void;

interface ChokidarInternals {
  _nodeFsHandler?: {
    _watchWithNodeFs?: (path: string, listener?: FolderListener) => unknown;
  };
}

export interface NewFolders {
  /** A folder appeared after the initial scan (chokidar's `addDir`, before its watch). */
  appeared(absolutePath: string): void;
  /** It went away, maybe before its watch began. */
  gone(absolutePath: string): void;
}

/** Folders waiting for their watch, at most: a folder whose watch never began is dropped. */
const MAX_AWAITING = 10_000;

export function hookNewFolders(watcher: FSWatcher): NewFolders | null {
  const handler = (watcher as unknown as ChokidarInternals)._nodeFsHandler;
  const watchWithNodeFs = handler?._watchWithNodeFs;
  if (!handler || typeof watchWithNodeFs !== 'function') return null;
  /** New folders whose watch has not begun; a Set keeps them oldest first. */
  const awaiting = new Set<string>();

  handler._watchWithNodeFs = function watchThenReread(path, listener) {
    const closer = watchWithNodeFs.call(this, path, listener);
    if (listener && awaiting.delete(path)) {
      // The watch is on now: what the first read missed is on disk for this one. Later, so
      // chokidar has recorded what the first read found and does not look at it again.
      setImmediate(() => {
        if (!watcher.closed) listener(path);
      });
    }
    return closer;
  };

  return {
    appeared(absolutePath) {
      if (awaiting.size >= MAX_AWAITING) {
        const oldest = awaiting.values().next().value;
        if (oldest !== undefined) awaiting.delete(oldest);
      }
      awaiting.add(absolutePath);
    },
    gone(absolutePath) {
      awaiting.delete(absolutePath);
    },
  };
}
