import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT_BIN = fileURLToPath(new URL('../../node_modules/.bin/', import.meta.url));

/** Gives a fixture workspace a `node_modules/.bin` with links to this project's real tools. */
export async function linkProjectTools(root: string, tools: readonly string[]): Promise<void> {
  const bin = join(root, 'node_modules', '.bin');
  await mkdir(bin, { recursive: true });
  for (const tool of tools) await symlink(join(PROJECT_BIN, tool), join(bin, tool));
}
