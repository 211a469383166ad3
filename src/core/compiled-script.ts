/**
 * Where a script the sidecar runs apart (in a worker thread or a helper process) is compiled.
 * It sits beside the module that runs it; when that module runs from `src` (the tests), the
 * script comes from the build in `dist`, since neither a worker thread nor a plain `node` can
 * load TypeScript.
 */

import { fileURLToPath } from 'node:url';

/** `src/` or `dist/`: the folder this module was loaded from. */
const LOADED_FROM = new URL('../', import.meta.url);

/** The compiled file of `script` (`./name.js`, relative to `moduleUrl`, its runner's URL). */
export function compiledScript(moduleUrl: string, script: string): string {
  const url = new URL(script, moduleUrl);
  if (!moduleUrl.endsWith('.ts')) return fileURLToPath(url);
  const inSource = url.href.slice(LOADED_FROM.href.length);
  return fileURLToPath(new URL(`../dist/${inSource}`, LOADED_FROM));
}
