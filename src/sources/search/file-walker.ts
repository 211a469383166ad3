/**
 * Walks the workspace for the built-in engine, like ripgrep walks it: the `files` source's
 * ignore rules, the search's include/exclude globs, symbolic links not followed, only regular
 * files. Several workers can share one walk: each takes every n-th file (`shard`), counted
 * before any filtering so the split is the same in every worker.
 */

import { type Dirent, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createIgnoreFilter } from '../files/gitignore.js';
import { createGlobFilter } from './glob-filter.js';

export interface WalkOptions {
  root: string;
  include: readonly string[];
  exclude: readonly string[];
  shard: { index: number; count: number };
}

export interface WalkedFile {
  /** Root-relative, `/`-separated. */
  file: string;
  path: string;
}

export function* walkFiles(options: WalkOptions): Generator<WalkedFile> {
  const ignoreFilter = createIgnoreFilter(options.root);
  const globFilter = createGlobFilter(options.include, options.exclude);
  const { index, count } = options.shard;
  let fileNumber = 0;
  const folders: string[] = [''];
  while (folders.length > 0) {
    const folder = folders.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(join(options.root, folder), { withFileTypes: true });
    } catch {
      continue; // unreadable or gone: rg skips it too
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const isIgnored = ignoreFilter.inFolder(folder);
    const subfolders: string[] = [];
    for (const entry of entries) {
      const file = folder === '' ? entry.name : `${folder}/${entry.name}`;
      if (entry.isDirectory()) {
        if (isIgnored(entry.name, true) || globFilter.isExcludedDir(file)) continue;
        subfolders.push(file);
      } else if (entry.isFile()) {
        if (fileNumber++ % count !== index) continue;
        if (isIgnored(entry.name, false) || !globFilter.isSelectedFile(file)) continue;
        yield { file, path: join(options.root, file) };
      }
    }
    // Depth first, in name order.
    for (let i = subfolders.length - 1; i >= 0; i--) folders.push(subfolders[i]!);
  }
}
