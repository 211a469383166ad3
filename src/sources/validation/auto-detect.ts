/**
 * The checks a workspace has when none are configured: `tsc` where there is a tsconfig.json,
 * `eslint` where there is an eslint config. Both run from the workspace's own
 * `node_modules/.bin`; a config without the tool installed still yields the validator, which
 * then reports itself unavailable (so the user learns to run `npm install`).
 *
 * The detected `tsc` is incremental, its build info kept in sidecar's cache folder (never in
 * the workspace), so a run after an edit rechecks only what the edit affects; and it runs only
 * while the language servers are idle (see diagnostics-gate), not beside tsserver's check.
 */

import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ResolvedValidator, resolveValidator } from './validator-config.js';

const SCRIPT_GLOB = '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}';

/** The name of the validator that waits for the language servers to be idle. */
export const DETECTED_TYPE_CHECK = 'tsc';

/** sidecar's folder in the per-user cache folder of the OS. */
function cacheDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'sidecar');
  if (process.platform === 'win32') {
    return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'sidecar', 'Cache');
  }
  return join(env.XDG_CACHE_HOME ?? (homedir() ? join(homedir(), '.cache') : tmpdir()), 'sidecar');
}

function tscFor(root: string): ResolvedValidator {
  const buildInfo = join(
    cacheDirectory(),
    'tsc',
    `${createHash('sha256').update(root).digest('hex').slice(0, 16)}.tsbuildinfo`,
  );
  return resolveValidator({
    name: DETECTED_TYPE_CHECK,
    command: 'node_modules/.bin/tsc',
    // --pretty false: the same plain format whatever the tsconfig says.
    args: [
      '--noEmit',
      '-p',
      '.',
      '--pretty',
      'false',
      '--incremental',
      '--tsBuildInfoFile',
      buildInfo,
    ],
    matcher: 'tsc',
    triggers: [SCRIPT_GLOB, '**/tsconfig*.json', 'package.json'],
  });
}

const ESLINT = resolveValidator({
  name: 'eslint',
  command: 'node_modules/.bin/eslint',
  args: ['-f', 'json', '.'],
  matcher: 'eslint-json',
  triggers: [SCRIPT_GLOB, '.eslintrc*', '.eslintignore', 'package.json'],
});

const ESLINT_CONFIG =
  /^(?:eslint\.config\.(?:js|mjs|cjs|ts|mts|cts)|\.eslintrc(?:\.(?:js|cjs|yaml|yml|json))?)$/;

export async function detectValidators(root: string): Promise<ResolvedValidator[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  const detected: ResolvedValidator[] = [];
  if (names.includes('tsconfig.json')) detected.push(tscFor(root));
  if (names.some((name) => ESLINT_CONFIG.test(name))) detected.push(ESLINT);
  return detected;
}
