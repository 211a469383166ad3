/**
 * The files the native engine reported, by folder: what a walk after lost events compares with.
 * A folder's names stay one string until a change touches the folder, so a tree of 100,000
 * files costs a few megabytes and next to no work at start (a set per file cost 45 MB and half
 * a second of the start on the benchmark's tree).
 */

import { basename, dirname } from 'node:path';

/** Never part of a file name. */
const SEPARATOR = '\0';

export interface KnownFiles {
  /** The files (names) a folder holds now, replacing what was known of it. */
  setFolder(folder: string, names: readonly string[]): void;
  namesIn(folder: string): ReadonlySet<string>;
  /** Whether a file (absolute path) was reported and not removed since. */
  has(path: string): boolean;
  add(path: string): void;
  delete(path: string): void;
  /** Forgets the folders that `isGone` picks (absolute paths), with their files. */
  forgetFolders(isGone: (folder: string) => boolean): void;
}

export function createKnownFiles(): KnownFiles {
  const byFolder = new Map<string, string | Set<string>>();
  const EMPTY: ReadonlySet<string> = new Set();

  function namesIn(folder: string): ReadonlySet<string> {
    const names = byFolder.get(folder);
    if (names === undefined) return EMPTY;
    if (typeof names !== 'string') return names;
    return new Set(names === '' ? [] : names.split(SEPARATOR));
  }

  /** A folder's names as a set that changes can go to. */
  function editable(folder: string): Set<string> {
    const names = byFolder.get(folder);
    if (names instanceof Set) return names;
    const set = new Set(namesIn(folder));
    byFolder.set(folder, set);
    return set;
  }

  return {
    setFolder(folder, names) {
      byFolder.set(folder, names.join(SEPARATOR));
    },
    namesIn,
    has(path) {
      const folder = dirname(path);
      // As a set: the folder is being touched, and its next lookups are cheap.
      return byFolder.has(folder) && editable(folder).has(basename(path));
    },
    add(path) {
      editable(dirname(path)).add(basename(path));
    },
    delete(path) {
      const folder = dirname(path);
      if (byFolder.has(folder)) editable(folder).delete(basename(path));
    },
    forgetFolders(isGone) {
      for (const folder of byFolder.keys()) if (isGone(folder)) byFolder.delete(folder);
    },
  };
}
