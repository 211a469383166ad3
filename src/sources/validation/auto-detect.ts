/**
 * The checks a workspace has when none are configured: `tsc` where there is a tsconfig.json,
 * `eslint` where there is an eslint config. Both run from the workspace's own
 * `node_modules/.bin`; a config without the tool installed still yields the validator, which
 * then reports itself unavailable (so the user learns to run `npm install`).
 */

import { readdir } from 'node:fs/promises';
import { type ResolvedValidator, resolveValidator } from './validator-config.js';

const SCRIPT_GLOB = '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}';

const TSC = resolveValidator({
  name: 'tsc',
  command: 'node_modules/.bin/tsc',
  // --pretty false: the same plain format whatever the tsconfig says.
  args: ['--noEmit', '-p', '.', '--pretty', 'false'],
  matcher: 'tsc',
  triggers: [SCRIPT_GLOB, '**/tsconfig*.json', 'package.json'],
});

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
  if (names.includes('tsconfig.json')) detected.push(TSC);
  if (names.some((name) => ESLINT_CONFIG.test(name))) detected.push(ESLINT);
  return detected;
}
