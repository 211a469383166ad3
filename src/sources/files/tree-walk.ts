/**
 * A gitignore-aware walk of a folder tree, without following symbolic links (a link is reported
 * as a file, as git and ripgrep do). The native engine lists the initial tree with it, and the
 * contents of a folder that appeared faster than its watch; `auto` counts files with it to pick
 * an engine.
 */

import { type Dirent, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface TreeWalkVisitor {
  /**
   * For one folder (absolute path), whether to skip an entry of it by name and, for a folder,
   * everything below it: one matcher per folder keeps the check cheap per entry.
   */
  ignoredIn(absoluteFolder: string): (name: string, isDir: boolean) => boolean;
  onFile?(absolutePath: string): void;
  onFolder?(absolutePath: string): void;
  /** The names of the files a folder holds (not ignored), once its entries were gone through. */
  onFolderFiles?(absoluteFolder: string, names: string[]): void;
  /** A folder skipped because it is ignored (not reported for folders below an ignored one). */
  onIgnoredFolder?(absolutePath: string): void;
  /** A folder that could not be read; the walk goes on. */
  onError?(error: unknown, absolutePath: string): void;
}

/**
 * Walks below `start` (not reporting `start` itself); stops early, returning false, when
 * `shouldStop` says so after a file. Returns true when the whole tree was walked.
 */
export function walkTree(
  start: string,
  visitor: TreeWalkVisitor,
  shouldStop: () => boolean = () => false,
): boolean {
  const folders = [start];
  while (folders.length > 0) {
    const folder = folders.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch (error) {
      visitor.onError?.(error, folder);
      continue;
    }
    const isIgnored = visitor.ignoredIn(folder);
    const fileNames: string[] | null = visitor.onFolderFiles ? [] : null;
    for (const entry of entries) {
      const path = join(folder, entry.name);
      const isDir = entry.isDirectory(); // false for a link to a folder: it is not followed
      if (isIgnored(entry.name, isDir)) {
        if (isDir) visitor.onIgnoredFolder?.(path);
        continue;
      }
      if (isDir) {
        visitor.onFolder?.(path);
        folders.push(path);
      } else {
        fileNames?.push(entry.name);
        visitor.onFile?.(path);
        if (shouldStop()) return false;
      }
    }
    if (fileNames) visitor.onFolderFiles?.(folder, fileNames);
  }
  return true;
}
