// @ts-check
/**
 * One watcher under test for bench/watch.js, in its own process so its memory, inotify watches
 * and event loop are its own: `sidecar` (a real sidecar with the files source, answering
 * WebSocket pings), `chokidar` (bare chokidar, as the files source used it before) or `native`
 * (bare @parcel/watcher). Talks to the parent over IPC: `ready`, `events` (bare watchers' paths,
 * with the time seen), `pong`, `stats`.
 *
 *   node bench/watch-target.js <sidecar|chokidar|native> <root> [engine]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const [kind, root, engine = 'auto'] = process.argv.slice(2);
if (!kind || !root || !process.send) throw new Error('run by bench/watch.js');
const send = /** @type {(message: unknown) => void} */ (process.send.bind(process));
const startedAt = performance.now();
const now = () => performance.timeOrigin + performance.now();
let loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();

/** Paths seen since the last flush, sent once per turn of the event loop. */
let seen = /** @type {string[]} */ ([]);
const see = (/** @type {string} */ path) => {
  if (seen.length === 0) setImmediate(flushSeen);
  seen.push(relative(root, path));
};
function flushSeen() {
  send({ type: 'events', paths: seen, at: now() });
  seen = [];
}
const ready = () => send({ type: 'ready', ms: performance.now() - startedAt });

if (kind === 'sidecar') {
  const { createFilesSource, createSidecar } = await import('../dist/index.js');
  const sidecar = createSidecar({
    root,
    port: 0,
    sources: [createFilesSource({ engine: /** @type {any} */ (engine) })],
    logLevel: 'error',
  });
  // Before listening: the sources start with it, and `ready` may come before it resolves.
  sidecar.broadcaster.onEvent('files', ({ event }) => {
    if (event === 'ready') ready();
  });
  loop.reset(); // the start's delay counts from here, not the module loading before
  await sidecar.listen();
  send({ type: 'listening', wsUrl: sidecar.wsUrl, token: sidecar.token });
} else if (kind === 'chokidar') {
  const { watch } = await import('chokidar');
  loop.reset();
  const watcher = watch(root, {
    ignored: (path) => /(^|\/)(node_modules|\.git)(\/|$)/.test(path),
    ignoreInitial: false,
    atomic: true,
  });
  let scanned = false;
  watcher.on('all', (_event, path) => {
    if (scanned) see(path);
  });
  watcher.once('ready', () => {
    scanned = true;
    ready();
  });
} else if (kind === 'native') {
  const parcel = (await import('@parcel/watcher')).default;
  loop.reset();
  await parcel.subscribe(
    root,
    (_error, events) => {
      for (const event of events) see(event.path);
    },
    { ignore: ['**/node_modules', '**/.git'] },
  );
  ready();
} else {
  throw new Error(`unknown target ${kind}`);
}

process.on('message', (/** @type {any} */ message) => {
  if (message.type === 'ping') send({ type: 'pong', id: message.id });
  if (message.type === 'stats') {
    send({ type: 'stats', ...stats() });
    loop.disable();
    loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
  }
});

function stats() {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (/** @type {string} */ field) =>
    Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  let watches = 0;
  for (const fd of readdirSync('/proc/self/fdinfo')) {
    try {
      const info = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
      watches += info.split('\n').filter((line) => line.startsWith('inotify wd:')).length;
    } catch {
      // closed meanwhile
    }
  }
  return {
    peakRssMb: kb('VmHWM') / 1024,
    watches,
    loopMaxMs: loop.max / 1e6,
    loopP99Ms: loop.percentile(99) / 1e6,
  };
}
