/**
 * The chokidar engine: portable and mature, with one inotify watch per file on Linux, so it
 * suits small and medium trees. The initial scan comes as chokidar's own `add`s.
 */

import { lstatSync } from 'node:fs';
import { watch } from 'chokidar';
import type { FileEventKind } from '../../protocol/index.js';
import { watchForBurstEnd } from './burst-end.js';
import { hookFolderReads } from './chokidar-rereads.js';
import { guardStaleRemovals, type PathProbe } from './stale-removals.js';
import { toWatchProblem, type WatchEngine, type WatchEngineOptions } from './watch-engine.js';

const EVENT_KINDS: readonly FileEventKind[] = ['add', 'change', 'unlink', 'addDir', 'unlinkDir'];

/**
 * A burst of this many events may have overflowed inotify's queue (16,384 raw events by
 * default; a written file makes two or three): once it ends, every folder is read again.
 * On a tree small enough for this engine that costs milliseconds.
 */
export const REREAD_AFTER_EVENTS = 1000;
const BURST_QUIET_MS = 300;

export function createChokidarEngine(options: WatchEngineOptions): WatchEngine {
  const watcher = watch(options.root, {
    ignored: (path, stats) => {
      try {
        return options.isIgnored(path, stats?.isDirectory() ?? false);
      } catch {
        return false; // a filter failure must not break chokidar's scan
      }
    },
    ignoreInitial: false,
    persistent: true,
    atomic: true,
    followSymlinks: options.followSymlinks,
  });
  // Chokidar may report a file that is still there as removed (see stale-removals.ts).
  const onEvent = guardStaleRemovals(options.onEvent, probePath);
  // Files written into a new folder before its watch, and events inotify dropped, are found
  // by reading folders again (see chokidar-rereads.ts).
  const folderReads = hookFolderReads(watcher);
  const burst = watchForBurstEnd({
    minEvents: REREAD_AFTER_EVENTS,
    quietMs: BURST_QUIET_MS,
    onBurstEnd: () => folderReads?.rereadAll(),
  });
  let scanned = false;
  for (const event of EVENT_KINDS) {
    watcher.on(event, (path: string) => {
      if (scanned) burst.event();
      onEvent(event, path);
    });
  }
  watcher.once('ready', () => {
    scanned = true;
  });
  watcher.on('addDir', (path: string) => {
    if (scanned) folderReads?.appeared(path);
  });
  watcher.on('unlinkDir', (path: string) => folderReads?.gone(path));
  watcher.on('unlink', (path: string) => folderReads?.gone(path));
  watcher.on('error', (error: unknown) => options.onError(toWatchProblem(error)));

  return {
    name: 'chokidar',
    start: () => new Promise<void>((resolve) => watcher.once('ready', () => resolve())),
    close: () => {
      burst.close();
      return watcher.close();
    },
  };
}

const probePath: PathProbe = (path) => {
  try {
    const stats = lstatSync(path);
    return { isDir: stats.isDirectory(), mtimeMs: stats.mtimeMs };
  } catch {
    return null;
  }
};
