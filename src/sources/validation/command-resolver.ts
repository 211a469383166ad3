/**
 * Finds the executable a validator names: a path (relative to the workspace root), else the
 * workspace's `node_modules/.bin` first (the project's own tsc or eslint, at its own version),
 * then the PATH (cargo, go, a globally installed tool).
 */

import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

export type CommandLookup = { found: true; path: string } | { found: false; reason: string };

export async function resolveCommand(
  command: string,
  root: string,
  pathVariable = process.env.PATH ?? '',
): Promise<CommandLookup> {
  if (isAbsolute(command) || command.includes('/') || command.includes('\\')) {
    const path = resolve(root, command);
    if (await isExecutableFile(path)) return { found: true, path };
    const installHint = /node_modules[\\/]\.bin/.test(command)
      ? ' (not installed? run npm install)'
      : '';
    return { found: false, reason: `${command} is not an executable file${installHint}` };
  }
  const folders = [join(root, 'node_modules', '.bin'), ...pathVariable.split(delimiter)];
  for (const folder of folders) {
    if (folder === '') continue;
    const path = join(folder, command);
    if (await isExecutableFile(path)) return { found: true, path };
  }
  return {
    found: false,
    reason: `${command} was found neither in node_modules/.bin nor on the PATH`,
  };
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    if (!(await stat(path)).isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
