/**
 * The chokidar engine: portable and mature, with one inotify watch per file on Linux, so it
 * suits small and medium trees. The initial scan comes as chokidar's own `add`s.
 */

import { lstatSync } from 'node:fs';
import { watch } from 'chokidar';
import type { FileEventKind } from '../../protocol/index.js';
import { hookNewFolders } from './chokidar-new-folders.js';
import { guardStaleRemovals, type PathProbe } from './stale-removals.js';
import { toWatchProblem, type WatchEngine, type WatchEngineOptions } from './watch-engine.js';

const EVENT_KINDS: readonly FileEventKind[] = ['add', 'change', 'unlink', 'addDir', 'unlinkDir'];

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
  for (const event of EVENT_KINDS) {
    watcher.on(event, (path: string) => onEvent(event, path));
  }
  // A file written into a new folder before chokidar watches it (see chokidar-new-folders.ts).
  const newFolders = hookNewFolders(watcher);
  let scanned = false;
  watcher.once('ready', () => {
    scanned = true;
  });
  watcher.on('addDir', (path: string) => {
    if (scanned) newFolders?.appeared(path);
  });
  watcher.on('unlinkDir', (path: string) => newFolders?.gone(path));
  watcher.on('error', (error: unknown) => options.onError(toWatchProblem(error)));

  return {
    name: 'chokidar',
    start: () => new Promise<void>((resolve) => watcher.once('ready', () => resolve())),
    close: () => watcher.close(),
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
