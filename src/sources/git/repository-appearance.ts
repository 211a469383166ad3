/**
 * Notices a repository appearing around a workspace that has none yet: `git init` in the root,
 * or in a folder above it, or a clone's `.git` moved into place. It watches the root and each
 * folder above it (one non-recursive watch each: cheap) for an entry named `.git`.
 */

import { type FSWatcher, watch } from 'node:fs';
import { dirname } from 'node:path';

export interface RepositoryAppearanceWatcher {
  close(): void;
}

/** Calls `onHint` when a `.git` may have appeared; the caller asks git whether it really has. */
export function watchForRepository(
  root: string,
  onHint: () => void,
  onError: (error: unknown) => void,
): RepositoryAppearanceWatcher {
  const watchers: FSWatcher[] = [];
  for (let folder = root; ; folder = dirname(folder)) {
    try {
      const watcher = watch(folder, { persistent: false }, (_event, name) => {
        // Some platforms do not say which entry changed: then it may be ours.
        if (name === null || name === '.git') onHint();
      });
      watcher.on('error', onError);
      watchers.push(watcher);
    } catch (error) {
      // A folder we may not read (a parent owned by someone else): its `.git` goes unnoticed.
      onError(error);
    }
    if (dirname(folder) === folder) break;
  }
  return {
    close() {
      for (const watcher of watchers) watcher.close();
    },
  };
}
