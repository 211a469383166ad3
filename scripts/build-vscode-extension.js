// @ts-check
/**
 * Builds the VS Code extension: type-checks it against @types/vscode, then bundles the glue,
 * its core and the client library into one CommonJS file, extensions/vscode/out/extension.cjs
 * (what VS Code loads; the VSIX then needs no node_modules).
 *
 *   node scripts/build-vscode-extension.js        (run by `npm run build`)
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const EXTENSION = fileURLToPath(new URL('../extensions/vscode/', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

execFileSync(process.execPath, [tsc, '-p', `${EXTENSION}tsconfig.json`], { stdio: 'inherit' });
await build({
  entryPoints: [`${EXTENSION}src/extension.ts`],
  outfile: `${EXTENSION}out/extension.cjs`,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // `vscode` is the editor's; `ws` only tries its optional native helpers.
  external: ['vscode', 'bufferutil', 'utf-8-validate'],
  logLevel: 'warning',
});
