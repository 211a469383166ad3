/**
 * Makes chokidar read folders again, which it does on its own only when a folder's watch fires.
 * It then reports only what it has not seen (a new entry as `add`/`addDir`, a missing one as
 * `unlink`/`unlinkDir`), so a read never reports anything twice. Two gaps need it:
 *
 * - **New folders.** Chokidar reads a folder that appeared, then starts watching it: a file
 *   written in between is in neither, so its `add` never comes (until something else changes
 *   in that folder). So once the watch of a folder that appeared after the initial scan is on,
 *   the folder is read once more.
 * - **Lost events.** Past 16,384 queued events (Linux's default `max_queued_events`), inotify
 *   drops the rest, and Node's `fs.watch` does not say so: the files of a big burst (a checkout,
 *   an `npm install`) may never be reported. After such a burst every watched folder is read
 *   again (`rereadAll`), as the native engine rescans when its watcher reports lost events.
 *   A lost `change` of a file already known stays lost: a folder's listing does not show it.
 *
 * Chokidar has no public hook for "this folder is now watched" nor for reading a folder, so
 * this wraps its internal `_watchWithNodeFs` and keeps the listener each watch was given;
 * `hookFolderReads` returns null when that is missing (a chokidar that changed), and the
 * engine's tests say so.
 */

import type { FSWatcher } from 'chokidar';

/** What chokidar passes a folder's watch: reads the folder again (`stats` only for polling). */
type WatchListener = (path: string, stats?: unknown) => void;

interface ChokidarInternals {
  _nodeFsHandler?: {
    _watchWithNodeFs?: (path: string, listener?: WatchListener) => unknown;
  };
}

export interface FolderReads {
  /** A folder appeared after the initial scan (chokidar's `addDir`, before its watch). */
  appeared(absolutePath: string): void;
  /** A file or folder went away (maybe before its watch began). */
  gone(absolutePath: string): void;
  /** Reads every watched folder again: events may have been lost. */
  rereadAll(): void;
}

/** Folders waiting for their watch, at most: a folder whose watch never began is dropped. */
const MAX_AWAITING = 10_000;

export function hookFolderReads(watcher: FSWatcher): FolderReads | null {
  const handler = (watcher as unknown as ChokidarInternals)._nodeFsHandler;
  const watchWithNodeFs = handler?._watchWithNodeFs;
  if (!handler || typeof watchWithNodeFs !== 'function') return null;
  /** New folders whose watch has not begun; a Set keeps them oldest first. */
  const awaiting = new Set<string>();
  /** The listener of each watched path (files' too: which paths are folders shows later). */
  const listeners = new Map<string, WatchListener>();

  handler._watchWithNodeFs = function watchThenReread(path, listener) {
    const closer = watchWithNodeFs.call(this, path, listener);
    if (!listener) return closer;
    listeners.set(path, listener);
    if (awaiting.delete(path)) {
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
      listeners.delete(absolutePath);
    },
    rereadAll() {
      if (watcher.closed) return;
      for (const folder of Object.keys(watcher.getWatched())) listeners.get(folder)?.(folder);
    },
  };
}
