/**
 * Between root-relative file names (what clients see) and `file:` URIs (what language servers
 * speak). A URI outside the root has no file name: such diagnostics are not ours to report.
 */

import { realpathSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface WorkspacePaths {
  readonly root: string;
  uriOf(file: string): string;
  /** The root-relative name of a `file:` URI inside the root, else undefined. */
  fileOf(uri: string): string | undefined;
  /** The absolute path of `file`, or undefined when it leads out of the root (a symlink). */
  confined(file: string): Promise<string | undefined>;
}

export function createWorkspacePaths(root: string): WorkspacePaths {
  // Servers may report the real path of a root reached through a symbolic link.
  const roots = [root];
  try {
    const real = realpathSync(root);
    if (real !== root) roots.push(real);
  } catch {
    // the root is checked to exist before sources start
  }

  function inside(base: string, absolute: string): string | undefined {
    const path = relative(base, absolute);
    if (path === '' || path === '..' || path.startsWith(`..${sep}`) || isAbsolute(path)) {
      return undefined;
    }
    return path.split(sep).join('/');
  }

  return {
    root,
    uriOf: (file) => pathToFileURL(join(root, file)).href,
    fileOf(uri) {
      let absolute: string;
      try {
        absolute = fileURLToPath(uri);
      } catch {
        return undefined; // not a file: URI
      }
      for (const base of roots) {
        const file = inside(base, absolute);
        if (file !== undefined) return file;
      }
      return undefined;
    },
    async confined(file) {
      const absolute = join(root, file);
      if (inside(root, absolute) === undefined) return undefined;
      try {
        const real = await realpath(absolute);
        return roots.some((base) => inside(base, real) !== undefined) ? absolute : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
