/** Editor paths (absolute, native) to and from the protocol's root-relative `/`-separated ones. */
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** `path` relative to `root` with `/`, or null when it lies outside the root. */
export function toRootRelative(root: string, path: string): string | null {
  const rel = relative(root, path);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return null;
  return rel.split(sep).join('/');
}

/** The absolute path of a root-relative file, or null when it would leave the root. */
export function fromRootRelative(root: string, file: string): string | null {
  const absolute = resolve(root, file);
  return toRootRelative(root, absolute) === null ? null : absolute;
}
