/**
 * One run of the files watcher, wherever it runs (a worker thread by default): picks the
 * engine, turns its raw events into root-relative, gitignore-filtered, coalesced `files` events,
 * and sums the initial scan up in `ready`. Everything it has to say goes out through `post` as
 * plain data, so the thread boundary is the only interface.
 */

import { isAbsolute, relative, sep } from 'node:path';
import type {
  FileEventData,
  FileEventKind,
  FilesBatchData,
  FilesReadyData,
} from '../../protocol/index.js';
import { COALESCER_DEFAULTS, type Coalescer, createCoalescer } from './coalesce.js';
import { chooseEngine, type EngineSetting } from './engine-choice.js';
import { createIgnoreFilter } from './gitignore.js';
import {
  toWatchProblem,
  type WatchEngine,
  type WatchEngineFactory,
  type WatchProblem,
} from './watch-engine.js';
import { createWriteSettler } from './write-settle.js';

export type WatcherMessage =
  | { type: 'event'; event: FileEventKind | 'batch'; data: FileEventData | FilesBatchData }
  | { type: 'ready'; data: FilesReadyData; engine: string }
  | { type: 'problem'; problem: WatchProblem }
  | { type: 'log'; level: 'debug' | 'info'; message: string };

/** The coalescer's tuning, passed through. */
export interface CoalescingOptions {
  windowMs?: number;
  maxWindowMs?: number;
  batchThreshold?: number;
  maxBatchSize?: number;
}

/** What a session needs; all plain data except `createEngine`, which only runs in-thread. */
export interface WatchSessionSettings extends CoalescingOptions {
  root: string;
  engine: EngineSetting;
  followSymlinks: boolean;
  nativeAbove: number;
}

export interface WatchSessionOptions extends WatchSessionSettings {
  /** An engine of one's own instead of the built-in choice. */
  createEngine?: WatchEngineFactory;
  post(message: WatcherMessage): void;
}

export interface WatchSession {
  /** Resolves after `ready` was posted (or the engine failed to start, reported as a problem). */
  start(): Promise<void>;
  /** Nothing is posted after it. */
  stop(): Promise<void>;
}

const IS_DIR_EVENT: Readonly<Record<FileEventKind, boolean>> = Object.freeze({
  add: false,
  change: false,
  unlink: false,
  addDir: true,
  unlinkDir: true,
});

export function createWatchSession(options: WatchSessionOptions): WatchSession {
  const { root } = options;
  const filter = createIgnoreFilter(root);
  let stopped = false;
  let scanDone = false;
  let initialFileCount = 0;
  let engine: WatchEngine | null = null;

  const post = (message: WatcherMessage) => {
    if (!stopped) options.post(message);
  };
  const coalescer: Coalescer = createCoalescer({
    windowMs: options.windowMs,
    maxWindowMs: options.maxWindowMs,
    batchThreshold: options.batchThreshold,
    maxBatchSize: options.maxBatchSize,
    emit: (event, data) => {
      if (event === 'add' || event === 'change') settler.sent((data as FileEventData).file);
      post({ type: 'event', event, data });
    },
  });
  // A write still under way when its first event went out gets a `change` once it is done.
  const settler = createWriteSettler({
    root,
    delayMs: options.windowMs ?? COALESCER_DEFAULTS.windowMs,
    onChanged: (file) => {
      if (!stopped) coalescer.push(file, 'change');
    },
  });

  const toRelative = (absolutePath: string) => relative(root, absolutePath).split(sep).join('/');
  const isBelowRoot = (file: string) =>
    file !== '' && file !== '..' && !file.startsWith('../') && !isAbsolute(file);

  function isIgnored(absolutePath: string, isDir: boolean): boolean {
    const file = toRelative(absolutePath);
    if (!isBelowRoot(file)) return false;
    return filter.isIgnored(file, isDir);
  }

  /** A matcher for one folder's entries; a failing filter ignores nothing. */
  function ignoredIn(absoluteFolder: string): (name: string, isDir: boolean) => boolean {
    try {
      const folder = toRelative(absoluteFolder);
      if (folder !== '' && !isBelowRoot(folder)) return () => false;
      const matcher = filter.inFolder(folder);
      return (name, isDir) => {
        try {
          return matcher(name, isDir);
        } catch {
          return false;
        }
      };
    } catch {
      return () => false;
    }
  }

  function onEvent(event: FileEventKind, absolutePath: string): void {
    try {
      if (stopped) return;
      if (!scanDone) {
        // The initial scan is summed up by `ready`, not replayed as thousands of `add`s. The
        // engine reports only what the filter let through, so counting is enough.
        if (event === 'add') initialFileCount++;
        return;
      }
      const file = toRelative(absolutePath);
      if (!isBelowRoot(file)) return; // the root's own addDir, or a path outside it
      // Rules changed: later events (and this one) follow the new ones.
      if (file === '.gitignore' || file.endsWith('/.gitignore')) {
        filter.invalidate(file.slice(0, -'.gitignore'.length));
      }
      if (event === 'unlinkDir') filter.invalidate(file);
      if (filter.isIgnored(file, IS_DIR_EVENT[event])) return;
      coalescer.push(file, event);
    } catch (error) {
      post({ type: 'problem', problem: toWatchProblem(error) });
    }
  }

  const onError = (problem: WatchProblem) => post({ type: 'problem', problem });

  return {
    async start() {
      const startedAt = performance.now();
      const engineOptions = {
        root,
        followSymlinks: options.followSymlinks,
        isIgnored: (path: string, isDir: boolean) => {
          try {
            return isIgnored(path, isDir);
          } catch {
            return false; // a filter failure must not break the scan
          }
        },
        ignoredIn,
        onEvent,
        onError,
      };
      let name = 'custom';
      let create = options.createEngine;
      if (!create) {
        const choice = await chooseEngine({ ...options, ignoredIn });
        name = choice.name;
        create = choice.create;
        post({ type: 'log', level: 'info', message: `watching with ${name}: ${choice.reason}` });
        if (choice.fallback) onError({ message: choice.fallback });
      }
      if (stopped) return;
      try {
        engine = create(engineOptions);
        await engine.start();
      } catch (error) {
        onError(toWatchProblem(error));
      }
      scanDone = true;
      post({
        type: 'ready',
        engine: name,
        data: { files: initialFileCount, durationMs: Math.round(performance.now() - startedAt) },
      });
    },
    async stop() {
      stopped = true;
      coalescer.dispose(); // nothing pending is sent after stop
      settler.dispose();
      await engine?.close();
    },
  };
}
