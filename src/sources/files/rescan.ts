/**
 * Catching up after a watcher lost events (its queue overflowed): walks the tree again and
 * reports the difference with what the engine knew, so no change is lost. Files and folders
 * that appeared are `add`/`addDir`, those gone `unlink`/`unlinkDir`, and a file still there is a
 * `change` when it was modified since the last events that did arrive (by its mtime: the lost
 * events say nothing more).
 */

import { lstatSync } from 'node:fs';
import type { FileEventKind } from '../../protocol/index.js';
import { walkTree } from './tree-walk.js';

/** mtimes are coarse on some file systems, and a write may land just before its event. */
const MTIME_SLACK_MS = 2000;

export interface RescanInput {
  root: string;
  ignoredIn(absoluteFolder: string): (name: string, isDir: boolean) => boolean;
  /** What the engine knew (absolute paths); brought up to date by the rescan. */
  folders: Set<string>;
  files: Set<string>;
  /** When the last events that arrived were handled (ms since the epoch). */
  lastEventsAt: number;
  onEvent(event: FileEventKind, absolutePath: string): void;
  onError(error: unknown, absolutePath: string): void;
}

/** Whether a watcher error says that events were lost. */
export function isLostEventsError(error: { message?: string }): boolean {
  return /overflow|dropped|must ?scan|rescan/i.test(error.message ?? '');
}

export function rescanTree(input: RescanInput): void {
  const { root, folders, files, onEvent } = input;
  const modifiedSince = input.lastEventsAt - MTIME_SLACK_MS;
  const foldersNow = new Set<string>([root]);
  const filesNow = new Set<string>();
  walkTree(root, {
    ignoredIn: input.ignoredIn,
    onFolder: (path) => {
      foldersNow.add(path);
      if (!folders.has(path)) onEvent('addDir', path);
    },
    onFile: (path) => {
      filesNow.add(path);
      if (!files.has(path)) {
        onEvent('add', path);
        return;
      }
      try {
        if (lstatSync(path).mtimeMs >= modifiedSince) onEvent('change', path);
      } catch {
        // gone meanwhile: its removal comes as an event
      }
    },
    onError: input.onError,
  });
  for (const path of files) if (!filesNow.has(path)) onEvent('unlink', path);
  for (const path of folders) if (!foldersNow.has(path)) onEvent('unlinkDir', path);
  folders.clear();
  for (const path of foldersNow) folders.add(path);
  files.clear();
  for (const path of filesNow) files.add(path);
}
