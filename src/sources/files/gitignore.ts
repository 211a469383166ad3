/**
 * A gitignore-aware path filter: which workspace paths the `files` source should neither watch
 * nor report. It follows git's rules closely enough for a file watcher: the root `.gitignore`,
 * nested `.gitignore` files (relative to their own folder, deeper files win), `.git/info/exclude`
 * (lowest precedence), and a folder that is ignored hides everything under it.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** Folders never worth watching, whatever the ignore files say. */
const ALWAYS_IGNORED_SEGMENTS: ReadonlySet<string> = new Set(['.git', 'node_modules']);

/**
 * `ignore` remembers every path it has tested and we remember folder verdicts; past this many
 * tests both start over (rules are re-read lazily), so a long-lived watcher cannot grow unbounded.
 */
const MAX_TESTS_BEFORE_RESET = 100_000;

export interface IgnoreFilter {
  /** `relPath` is relative to the root and `/`-separated; `''` is the root itself. */
  isIgnored(relPath: string, isDir: boolean): boolean;
  /** Forget a folder's rules (`''` for the root), e.g. because its `.gitignore` changed. */
  invalidate(relDir: string): void;
  /**
   * `isIgnored` for the entries of one folder, cheaper per entry: for walkers that go through
   * a whole folder at once. `name` is an entry's name in `relDir`.
   */
  inFolder(relDir: string): (name: string, isDir: boolean) => boolean;
}

export function createIgnoreFilter(root: string): IgnoreFilter {
  // git matches case-insensitively only on case-insensitive file systems.
  const ignorecase = process.platform === 'win32' || process.platform === 'darwin';
  /** Rules per folder (relative path, `''` = root); `null` = the folder has no rules. */
  const rulesByFolder = new Map<string, Ignore | null>();
  /** Whether a folder is ignored, remembered because every path below it asks again. */
  const folderVerdicts = new Map<string, boolean>();
  let testsSinceReset = 0;

  function readRules(absolutePath: string): string | null {
    try {
      return readFileSync(absolutePath, 'utf8');
    } catch {
      return null; // missing, unreadable or not a file: no rules
    }
  }

  function rulesOf(folder: string): Ignore | null {
    const cached = rulesByFolder.get(folder);
    if (cached !== undefined) return cached;
    const sources: string[] = [];
    // info/exclude goes first: rules added later win, and it has the lowest precedence.
    if (folder === '') sources.push(readRules(join(root, '.git', 'info', 'exclude')) ?? '');
    sources.push(readRules(join(root, folder, '.gitignore')) ?? '');
    const text = sources.join('\n');
    const rules = text.trim() === '' ? null : ignore({ ignorecase }).add(text);
    rulesByFolder.set(folder, rules);
    return rules;
  }

  /** Is `segments[0..end)` ignored by some folder's rules, the deepest decisive folder winning? */
  function isMatchedByRules(segments: string[], end: number, isDir: boolean): boolean {
    for (let depth = end - 1; depth >= 0; depth--) {
      const rules = rulesOf(segments.slice(0, depth).join('/'));
      if (!rules) continue;
      // `ignore` needs the trailing slash to apply directory-only rules such as `build/`.
      const relativeToFolder = segments.slice(depth, end).join('/') + (isDir ? '/' : '');
      testsSinceReset++;
      const result = rules.test(relativeToFolder);
      if (result.ignored) return true;
      if (result.unignored) return false;
    }
    return false;
  }

  function isFolderIgnored(segments: string[], end: number): boolean {
    const folder = segments.slice(0, end).join('/');
    const known = folderVerdicts.get(folder);
    if (known !== undefined) return known;
    const verdict =
      (end > 1 && isFolderIgnored(segments, end - 1)) || isMatchedByRules(segments, end, true);
    folderVerdicts.set(folder, verdict);
    return verdict;
  }

  function resetWhenDue(): void {
    if (testsSinceReset <= MAX_TESTS_BEFORE_RESET) return;
    testsSinceReset = 0;
    rulesByFolder.clear();
    folderVerdicts.clear();
  }

  const splitPath = (relPath: string) =>
    relPath.split('/').filter((segment) => segment !== '' && segment !== '.');

  return {
    isIgnored(relPath, isDir) {
      const segments = splitPath(relPath);
      if (segments.length === 0) return false; // the root itself
      if (segments.includes('..')) return false; // outside the root: not ours to judge
      resetWhenDue();
      if (segments.some((segment) => ALWAYS_IGNORED_SEGMENTS.has(segment))) return true;
      // A path inside an ignored folder is ignored, and cannot be re-included.
      if (segments.length > 1 && isFolderIgnored(segments, segments.length - 1)) return true;
      return isMatchedByRules(segments, segments.length, isDir);
    },
    inFolder(relDir) {
      const folder = splitPath(relDir);
      resetWhenDue();
      if (folder.includes('..')) return () => false;
      if (folder.some((segment) => ALWAYS_IGNORED_SEGMENTS.has(segment))) return () => true;
      if (folder.length > 0 && isFolderIgnored(folder, folder.length)) return () => true;
      // The folders with rules, deepest first, each with the entry's path relative to it.
      const chain: { rules: Ignore; prefix: string }[] = [];
      for (let depth = folder.length; depth >= 0; depth--) {
        const rules = rulesOf(folder.slice(0, depth).join('/'));
        if (!rules) continue;
        const prefix = folder
          .slice(depth)
          .map((segment) => `${segment}/`)
          .join('');
        chain.push({ rules, prefix });
      }
      return (name, isDir) => {
        if (ALWAYS_IGNORED_SEGMENTS.has(name)) return true;
        for (const { rules, prefix } of chain) {
          testsSinceReset++;
          const result = rules.test(`${prefix}${name}${isDir ? '/' : ''}`);
          if (result.ignored) return true;
          if (result.unignored) return false;
        }
        return false;
      };
    },
    invalidate(relDir) {
      const folder = splitPath(relDir).join('/');
      rulesByFolder.delete(folder);
      // Any folder's verdict may depend on these rules; verdicts are cheap to recompute.
      folderVerdicts.clear();
    },
  };
}
