/**
 * `include`/`exclude` globs for the built-in engine, with ripgrep's `--glob` meaning, so both
 * engines pick the same files: gitignore-style globs (`*.ts` matches at any depth, a glob with
 * a `/` is anchored at the root, a trailing `/` matches folders only), an excluded folder is not
 * entered, and with any include a file must match one.
 */

import picomatch from 'picomatch';

export interface GlobFilter {
  /** `relPath` is root-relative and `/`-separated. */
  isExcludedDir(relPath: string): boolean;
  isSelectedFile(relPath: string): boolean;
}

interface CompiledGlob {
  matches(relPath: string): boolean;
  dirOnly: boolean;
}

function compileGlob(glob: string): CompiledGlob {
  const dirOnly = glob.endsWith('/');
  const trimmed = dirOnly ? glob.slice(0, -1) : glob;
  const anchored = trimmed.includes('/');
  const matches = picomatch(anchored ? trimmed : `**/${trimmed}`, { dot: true });
  return { matches, dirOnly };
}

export function createGlobFilter(
  include: readonly string[],
  exclude: readonly string[],
): GlobFilter {
  const includes = include.map(compileGlob);
  const excludes = exclude.map(compileGlob);
  return {
    isExcludedDir: (relPath) => excludes.some((glob) => glob.matches(relPath)),
    isSelectedFile(relPath) {
      if (excludes.some((glob) => !glob.dirOnly && glob.matches(relPath))) return false;
      if (includes.length === 0) return true;
      return includes.some((glob) => !glob.dirOnly && glob.matches(relPath));
    },
  };
}
