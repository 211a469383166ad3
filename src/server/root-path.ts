import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * `file` (relative to `root` or absolute) as a root-relative, `/`-separated path; undefined
 * when it is outside the root or is the root itself.
 */
export function toRootRelative(root: string, file: string): string | undefined {
  const inside = relative(root, resolve(root, file));
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    return undefined;
  }
  return inside.split(sep).join('/');
}
