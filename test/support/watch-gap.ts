/**
 * Puts chokidar's gaps on purpose, through `fs.watch` (the one chokidar imports, patched and
 * synced into ES module imports): a write landing just before the first watch of a folder
 * begins, which is after chokidar has read that folder; or every event of a folder's watch
 * lost, as when inotify's queue overflows.
 */

import { createRequire, syncBuiltinESMExports } from 'node:module';

const fs = createRequire(import.meta.url)('node:fs') as typeof import('node:fs');
const realWatch = fs.watch;

/** Runs `beforeWatch` once, just before the first watch of `folder` (absolute) begins. */
export function beforeFirstWatchOf(folder: string, beforeWatch: () => void): void {
  let done = false;
  fs.watch = ((path: string, ...rest: unknown[]) => {
    if (!done && path === folder) {
      done = true;
      beforeWatch();
    }
    return (realWatch as (...args: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.watch;
  syncBuiltinESMExports();
}

/** Drops every event of the watches of `folder` (absolute) begun from now on. */
export function dropEventsOf(folder: string): void {
  fs.watch = ((path: string, ...rest: unknown[]) => {
    const watcher = (realWatch as (...args: unknown[]) => import('node:fs').FSWatcher)(
      path,
      ...rest,
    );
    if (path === folder) watcher.removeAllListeners('change');
    return watcher;
  }) as typeof fs.watch;
  syncBuiltinESMExports();
}

/** Puts the real `fs.watch` back. */
export function restoreFsWatch(): void {
  fs.watch = realWatch;
  syncBuiltinESMExports();
}
