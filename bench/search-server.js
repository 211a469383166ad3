// @ts-check
/**
 * One sidecar under test for bench/search.js, in its own process as `npx sidecar serve` runs,
 * so its clients' work (the benchmark parsing the results) does not share its thread. Sources
 * by kind: `auto` (files and search, as `npx sidecar serve` runs them), `rg` (files and search,
 * ripgrep engine), `rg-counting` (search alone, ripgrep) or `builtin` (search alone, built-in
 * engine). Tells the parent `{ wsUrl, token }` over IPC once
 * it listens; closes on `close` or when the parent goes.
 *
 *   node bench/search-server.js <root> <auto|rg|rg-counting|builtin>
 */
import { createFilesSource, createSearchSource, startSidecar } from '../dist/index.js';

const [root, kind] = process.argv.slice(2);
if (!root || !kind || !process.send) throw new Error('run by bench/search.js');
const send = /** @type {(message: unknown) => void} */ (process.send.bind(process));

/** @type {Record<string, () => import('../dist/index.js').Source[]>} */
const SOURCES = {
  auto: () => [createFilesSource(), createSearchSource()],
  rg: () => [createFilesSource(), createSearchSource({ engine: 'ripgrep' })],
  'rg-counting': () => [createSearchSource({ engine: 'ripgrep' })],
  builtin: () => [createSearchSource({ engine: 'builtin' })],
};
const sources = SOURCES[kind];
if (!sources) throw new Error(`unknown kind ${kind}`);

const sidecar = await startSidecar({
  root,
  port: 0,
  logLevel: 'silent',
  rateLimit: 0,
  sources: sources(),
});
const close = () => void sidecar.close().finally(() => process.exit(0));
process.on('message', (/** @type {any} */ message) => {
  if (message?.type === 'close') close();
});
process.on('disconnect', close);
send({ type: 'listening', wsUrl: sidecar.wsUrl, token: sidecar.token });
