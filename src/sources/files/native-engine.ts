/**
 * The native engine, `@parcel/watcher` (the watcher VS Code uses): the tree is crawled and
 * watched in C++, one inotify watch per folder rather than per file, so a tree of 100,000 files
 * is ready in a second or two and costs tens of megabytes, not a gigabyte.
 *
 * It reports `create`/`update`/`delete` without saying whether a path is a folder, and a new
 * folder's watch starts after the folder does, so this engine keeps the set of known folders
 * (thousands, not the files) and lists a new folder itself. It never follows symbolic links.
 * Folders ignored at start stay unwatched until the watcher restarts.
 */

import { lstatSync } from 'node:fs';
import { sep } from 'node:path';
import type { AsyncSubscription, Event } from '@parcel/watcher';
import { walkTree } from './tree-walk.js';
import { toWatchProblem, type WatchEngine, type WatchEngineOptions } from './watch-engine.js';

type ParcelWatcher = typeof import('@parcel/watcher');

/** Loads the prebuilt binary; throws on a platform without one. */
export async function loadNativeWatcher(): Promise<ParcelWatcher> {
  const loaded = (await import('@parcel/watcher')) as ParcelWatcher & { default?: ParcelWatcher };
  return loaded.default ?? loaded;
}

export function createNativeEngine(options: WatchEngineOptions): WatchEngine {
  const { root, ignoredIn, onEvent, onError } = options;
  const folders = new Set<string>([root]);
  let subscription: AsyncSubscription | null = null;
  let closed = false;

  /** Reports what is below a folder (the initial tree, or a folder that just appeared). */
  function listBelow(start: string): string[] {
    const ignoredFolders: string[] = [];
    walkTree(start, {
      ignoredIn,
      onFile: (path) => onEvent('add', path),
      onFolder: (path) => {
        folders.add(path);
        if (start !== root) onEvent('addDir', path);
      },
      onIgnoredFolder: (path) => ignoredFolders.push(path),
      onError: (error, path) => onError(toWatchProblem(Object.assign(asError(error), { path }))),
    });
    return ignoredFolders;
  }

  /** Drops what was below deleted folders: after a whole delivery, whose order is not the disk's. */
  function forgetBelow(deleted: string[]): void {
    const prefixes = deleted.map((path) => `${path}${sep}`);
    for (const folder of folders) {
      if (prefixes.some((prefix) => folder.startsWith(prefix))) folders.delete(folder);
    }
  }

  function handle(event: Event, deletedFolders: string[]): void {
    const { path, type } = event;
    if (type === 'create') {
      let isDir: boolean;
      try {
        isDir = lstatSync(path).isDirectory();
      } catch {
        return; // gone again already; its delete follows
      }
      if (!isDir) {
        onEvent('add', path);
        return;
      }
      if (folders.has(path)) return;
      folders.add(path);
      onEvent('addDir', path);
      listBelow(path); // what was written before the folder's watch began
    } else if (type === 'update') {
      if (!folders.has(path)) onEvent('change', path);
    } else if (folders.has(path)) {
      folders.delete(path);
      deletedFolders.push(path);
      onEvent('unlinkDir', path);
    } else {
      onEvent('unlink', path);
    }
  }

  return {
    name: 'native',
    async start() {
      const watcher = await loadNativeWatcher();
      const ignoredFolders = listBelow(root);
      if (closed) return;
      subscription = await watcher.subscribe(
        root,
        (error, events) => {
          if (closed) return;
          if (error) onError(toWatchProblem(error));
          const deletedFolders: string[] = [];
          for (const event of events) {
            try {
              handle(event, deletedFolders);
            } catch (failure) {
              onError(toWatchProblem(failure));
            }
          }
          if (deletedFolders.length > 0) forgetBelow(deletedFolders);
        },
        // Never crawled nor watched: the always-ignored folders and those ignored at start.
        { ignore: ['**/node_modules', '**/.git', ...ignoredFolders] },
      );
      if (closed) await subscription.unsubscribe();
    },
    async close() {
      closed = true;
      const current = subscription;
      subscription = null;
      await current?.unsubscribe();
    },
  };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
