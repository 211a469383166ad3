/**
 * What the `files` source needs from a file watcher, whatever does the watching (chokidar, the
 * native `@parcel/watcher`, or one an embedding app brings): raw events on absolute paths, the
 * initial scan as `add`s before `start()` resolves, and errors that do not stop it.
 */

import type { FileEventKind } from '../../protocol/index.js';

export type EngineName = 'chokidar' | 'native';

export interface WatchEngineOptions {
  /** Absolute workspace root. */
  root: string;
  /** Follow symbolic links to folders (watching their contents) instead of reporting the link. */
  followSymlinks: boolean;
  /** Whether to skip a path (absolute) and, for a folder, everything below it. */
  isIgnored(absolutePath: string, isDir: boolean): boolean;
  /** `isIgnored` for the entries of one folder, by name: cheaper for walking a whole folder. */
  ignoredIn(absoluteFolder: string): (name: string, isDir: boolean) => boolean;
  /** A file or folder appeared, changed or went away. Paths of the initial scan come as `add`. */
  onEvent(event: FileEventKind, absolutePath: string): void;
  /** Something could not be watched; the engine goes on with the rest. */
  onError(error: WatchProblem): void;
}

/** A watcher error as plain data: it crosses the worker boundary. */
export interface WatchProblem {
  /** `ENOSPC`, `EMFILE`, `EACCES`, … when known. */
  code?: string;
  path?: string;
  message: string;
}

export interface WatchEngine {
  readonly name: string;
  /** Scans the tree (reporting each file found as `add`) and resolves once watching. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export type WatchEngineFactory = (options: WatchEngineOptions) => WatchEngine;

/** Any thrown value as a `WatchProblem`, with a code recovered from the message if need be. */
export function toWatchProblem(error: unknown): WatchProblem {
  const { code, path, message } = (error ?? {}) as NodeJS.ErrnoException;
  const text = typeof message === 'string' ? message : String(error);
  return {
    code: typeof code === 'string' ? code : codeFromMessage(text),
    ...(typeof path === 'string' ? { path } : {}),
    message: text,
  };
}

/** Native watchers report errno as text ("… failed: No space left on device"). */
const CODE_BY_TEXT: readonly [RegExp, string][] = [
  [/no space left on device/i, 'ENOSPC'],
  [/too many open files/i, 'EMFILE'],
  [/permission denied/i, 'EACCES'],
  [/operation not permitted/i, 'EPERM'],
];

function codeFromMessage(message: string): string | undefined {
  return CODE_BY_TEXT.find(([pattern]) => pattern.test(message))?.[1];
}
