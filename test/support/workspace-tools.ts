import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT_MODULES = fileURLToPath(new URL('../../node_modules/', import.meta.url));

/** Gives a fixture workspace a `node_modules/.bin` with links to this project's real tools. */
export async function linkProjectTools(root: string, tools: readonly string[]): Promise<void> {
  const bin = join(root, 'node_modules', '.bin');
  await mkdir(bin, { recursive: true });
  for (const tool of tools) await symlink(join(PROJECT_MODULES, '.bin', tool), join(bin, tool));
}

/** Links this project's installed `name` into a fixture workspace's `node_modules`. */
export async function linkProjectPackage(root: string, name: string): Promise<void> {
  await mkdir(join(root, 'node_modules'), { recursive: true });
  await symlink(join(PROJECT_MODULES, name), join(root, 'node_modules', name), 'dir');
}
