/**
 * The workspace's files, as language servers should see them: what git would not ignore,
 * never `.git` or `node_modules`, no symbolic links (they could lead out of the root).
 */

import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createIgnoreFilter } from '../files/gitignore.js';

/** Root-relative, `/`-separated paths of the files whose ending is in `extensions`, sorted. */
export async function listWorkspaceFiles(
  root: string,
  extensions: ReadonlySet<string>,
  signal?: AbortSignal,
): Promise<string[]> {
  const filter = createIgnoreFilter(root);
  const found: string[] = [];
  const folders = [''];
  while (folders.length > 0) {
    signal?.throwIfAborted();
    const folder = folders.pop()!;
    let entries: Dirent[];
    try {
      entries = await readdir(join(root, folder), { withFileTypes: true });
    } catch {
      continue; // unreadable or gone meanwhile: nothing to check there
    }
    for (const entry of entries) {
      const path = folder ? `${folder}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!filter.isIgnored(path, true)) folders.push(path);
      } else if (entry.isFile() && hasEnding(path, extensions) && !filter.isIgnored(path, false)) {
        found.push(path);
      }
    }
  }
  return found.sort();
}

/** Whether `file` ends with one of `extensions` (lower case, with their dot). */
export function hasEnding(file: string, extensions: ReadonlySet<string>): boolean {
  const dot = file.lastIndexOf('.');
  return dot > file.lastIndexOf('/') && extensions.has(file.slice(dot).toLowerCase());
}
