/**
 * The native engine, `@parcel/watcher` (the watcher VS Code uses): the tree is crawled and
 * watched in C++, one inotify watch per folder rather than per file, so a tree of 100,000 files
 * is ready in a second or two and costs tens of megabytes, not a gigabyte.
 *
 * It reports `create`/`update`/`delete` without saying whether a path is a folder, and a new
 * folder's watch starts after the folder does, so this engine keeps the set of known folders
 * and lists a new folder itself. It never follows symbolic links. Folders ignored at start stay
 * unwatched until the watcher restarts. A file of a new folder that both the listing and
 * @parcel/watcher saw is reported once (`listed-files.ts`).
 *
 * Start: @parcel/watcher's own crawl (C++, on a thread of its own) runs while this thread walks
 * the tree with the ignore rules, so `ready` costs the longer of the two, not their sum.
 *
 * When @parcel/watcher reports that it lost events (its queue overflowed), the tree is walked
 * again and what changed meanwhile is reported (`rescan.ts`); the engine keeps the set of files
 * it reported for that.
 */

import { type BigIntStats, type Dirent, lstatSync, readdirSync } from 'node:fs';
import { basename, join, sep } from 'node:path';
import type { AsyncSubscription, Event } from '@parcel/watcher';
import { createKnownFiles } from './known-files.js';
import { createListedFiles } from './listed-files.js';
import { isLostEventsError, rescanTree } from './rescan.js';
import { walkTree } from './tree-walk.js';
import { toWatchProblem, type WatchEngine, type WatchEngineOptions } from './watch-engine.js';

type ParcelWatcher = typeof import('@parcel/watcher');

/** Folders @parcel/watcher skips wherever they are, by name. */
const ALWAYS_SKIPPED: ReadonlySet<string> = new Set(['node_modules', '.git']);
/**
 * The same as one pattern for @parcel/watcher, which tests its patterns on every path it crawls:
 * this one costs about half what the globs `**\/node_modules` and `**\/.git` did (their
 * regular expressions are far more complex).
 */
const ALWAYS_SKIPPED_PATTERN = /[\\/](?:node_modules|\.git)(?:[\\/]|$)/;

/** Loads the prebuilt binary; throws on a platform without one. */
export async function loadNativeWatcher(): Promise<ParcelWatcher> {
  const loaded = (await import('@parcel/watcher')) as ParcelWatcher & { default?: ParcelWatcher };
  return loaded.default ?? loaded;
}

export function createNativeEngine(
  options: WatchEngineOptions,
  loadWatcher: () => Promise<ParcelWatcher> = loadNativeWatcher,
): WatchEngine {
  const { root, ignoredIn, onEvent, onError } = options;
  const folders = new Set<string>([root]);
  /** The files reported (not ignored): what a rescan after lost events compares with. */
  const files = createKnownFiles();
  /** The files found by listing a new folder, which the watcher may report again. */
  const listedFiles = createListedFiles();
  let lastEventsAt = Date.now();
  let subscription: AsyncSubscription | null = null;
  let closed = false;

  /** Reports what is below a folder (the initial tree, or a folder that just appeared). */
  function listBelow(start: string): string[] {
    const ignoredFolders: string[] = [];
    walkTree(start, {
      ignoredIn,
      onFile: (path) => {
        if (start !== root) rememberListed(path);
        onEvent('add', path);
      },
      onFolderFiles: (folder, names) => files.setFolder(folder, names),
      onFolder: (path) => {
        folders.add(path);
        if (start !== root) onEvent('addDir', path);
      },
      onIgnoredFolder: (path) => ignoredFolders.push(path),
      onError: (error, path) => onError(toWatchProblem(Object.assign(asError(error), { path }))),
    });
    return ignoredFolders;
  }

  function rememberListed(path: string): void {
    try {
      listedFiles.remember(path, lstatSync(path, { bigint: true }));
    } catch {
      // gone again already; its delete follows
    }
  }

  /**
   * A `create` of a file already reported (its new folder's listing saw it, and so did the
   * watcher's watch of the folder): nothing, or a `change` when it changed since the listing,
   * or may have (its listing was forgotten).
   */
  function createdAgain(path: string, stats: BigIntStats): void {
    if (listedFiles.takeChanged(path, stats) !== false) onEvent('change', path);
  }

  /** The ignored folders among a folder's own entries (not below them). */
  function ignoredFoldersIn(folder: string): string[] {
    let entries: Dirent[];
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return []; // the walk reports it
    }
    const isIgnored = ignoredIn(folder);
    return entries
      .filter((entry) => entry.isDirectory() && isIgnored(entry.name, true))
      .map((entry) => join(folder, entry.name));
  }

  /** Drops what was below deleted folders: after a whole delivery, whose order is not the disk's. */
  function forgetBelow(deleted: string[]): void {
    const prefixes = deleted.map((path) => `${path}${sep}`);
    const isGone = (path: string) => prefixes.some((prefix) => path.startsWith(prefix));
    for (const folder of folders) if (isGone(folder)) folders.delete(folder);
    listedFiles.forgetWhere(isGone);
    const deletedSet = new Set(deleted);
    files.forgetFolders((folder) => deletedSet.has(folder) || isGone(folder));
  }

  function handle(event: Event, deletedFolders: string[]): void {
    const { path, type } = event;
    if (type === 'create') {
      let stats: BigIntStats;
      try {
        stats = lstatSync(path, { bigint: true });
      } catch {
        return; // gone again already; its delete follows
      }
      if (!stats.isDirectory()) {
        if (files.has(path)) {
          createdAgain(path, stats);
          return;
        }
        files.add(path);
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
      files.delete(path);
      listedFiles.forget(path);
      onEvent('unlink', path);
    }
  }

  function onWatcherEvents(error: Error | null, events: Event[]): void {
    if (closed) return;
    const lostEvents = error !== null && isLostEventsError(error);
    if (error && !lostEvents) onError(toWatchProblem(error));
    const deletedFolders: string[] = [];
    for (const event of events) {
      try {
        handle(event, deletedFolders);
      } catch (failure) {
        onError(toWatchProblem(failure));
      }
    }
    if (deletedFolders.length > 0) forgetBelow(deletedFolders);
    if (lostEvents) {
      rescanTree({
        root,
        ignoredIn,
        folders,
        files,
        lastEventsAt,
        onEvent,
        onError: (failure, path) =>
          onError(toWatchProblem(Object.assign(asError(failure), { path }))),
      });
    }
    lastEventsAt = Date.now();
  }

  /** Never crawled nor watched: the always-skipped folders and the ignored ones given. */
  const subscribeOptions = (ignoredFolders: string[]) => ({
    ignore: [ALWAYS_SKIPPED_PATTERN, ...ignoredFolders],
  });

  return {
    name: 'native',
    async start() {
      const watcher = await loadWatcher();
      if (closed) return;
      // @parcel/watcher crawls in C++ on a thread of its own while this thread walks the tree
      // (which counts the files and finds the ignored folders): the two crawls overlap instead
      // of following each other. The ignored folders it must skip are known by then only at
      // the top level, where they usually are (build output, caches).
      const ignoredAtTop = ignoredFoldersIn(root);
      const subscribing = watcher.subscribe(root, onWatcherEvents, subscribeOptions(ignoredAtTop));
      let ignoredFolders: string[];
      try {
        ignoredFolders = listBelow(root);
      } finally {
        subscription = await subscribing;
      }
      const covered = new Set(ignoredAtTop);
      const uncovered = ignoredFolders.filter(
        (folder) => !covered.has(folder) && !ALWAYS_SKIPPED.has(basename(folder)),
      );
      // Deeper ignored folders are being watched: watch again without them (one more crawl,
      // only in that case), so ignored folders never use watches. The first subscription goes
      // first: @parcel/watcher frees its watches only once none is left. What changes in
      // between is lost, as anything but the scan itself is until `ready`.
      if (!closed && uncovered.length > 0) {
        const first = subscription;
        subscription = null;
        await first.unsubscribe();
        if (!closed) {
          subscription = await watcher.subscribe(
            root,
            onWatcherEvents,
            subscribeOptions(ignoredFolders),
          );
        }
      }
      if (closed) await subscription?.unsubscribe();
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
