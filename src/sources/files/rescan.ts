/**
 * Catching up after a watcher lost events (its queue overflowed): walks the tree again and
 * reports the difference with what the engine knew, so no change is lost. Files and folders
 * that appeared are `add`/`addDir`, those gone `unlink`/`unlinkDir`, and a file still there is a
 * `change` when it was modified since the last events that did arrive (by its mtime: the lost
 * events say nothing more).
 */

import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { FileEventKind } from '../../protocol/index.js';
import type { KnownFiles } from './known-files.js';
import { walkTree } from './tree-walk.js';

/** mtimes are coarse on some file systems, and a write may land just before its event. */
const MTIME_SLACK_MS = 2000;

export interface RescanInput {
  root: string;
  ignoredIn(absoluteFolder: string): (name: string, isDir: boolean) => boolean;
  /** What the engine knew (absolute paths); brought up to date by the rescan. */
  folders: Set<string>;
  files: KnownFiles;
  /** When the last events that arrived were handled (ms since the epoch). */
  lastEventsAt: number;
  onEvent(event: FileEventKind, absolutePath: string): void;
  onError(error: unknown, absolutePath: string): void;
}

/** Whether a watcher error says that events were lost. */
export function isLostEventsError(error: { message?: string }): boolean {
  return /overflow|dropped|must ?scan|re-?scan/i.test(error.message ?? '');
}

export function rescanTree(input: RescanInput): void {
  const { root, folders, files, onEvent } = input;
  const modifiedSince = input.lastEventsAt - MTIME_SLACK_MS;
  const foldersNow = new Set<string>([root]);
  walkTree(root, {
    ignoredIn: input.ignoredIn,
    onFolder: (path) => {
      foldersNow.add(path);
      if (!folders.has(path)) onEvent('addDir', path);
    },
    onFolderFiles: (folder, names) => {
      const before = files.namesIn(folder);
      for (const name of names) {
        const path = join(folder, name);
        if (!before.has(name)) onEvent('add', path);
        else if (modifiedAfter(path, modifiedSince)) onEvent('change', path);
      }
      const now = new Set(names);
      for (const name of before) if (!now.has(name)) onEvent('unlink', join(folder, name));
      files.setFolder(folder, names);
    },
    onError: input.onError,
  });
  for (const folder of folders) {
    if (foldersNow.has(folder)) continue;
    for (const name of files.namesIn(folder)) onEvent('unlink', join(folder, name));
    onEvent('unlinkDir', folder);
  }
  files.forgetFolders((folder) => !foldersNow.has(folder));
  folders.clear();
  for (const folder of foldersNow) folders.add(folder);
}

function modifiedAfter(path: string, since: number): boolean {
  try {
    return lstatSync(path).mtimeMs >= since;
  } catch {
    return false; // gone meanwhile: its removal comes as an event
  }
}
