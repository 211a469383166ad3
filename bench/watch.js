// @ts-check
/**
 * Watcher benchmark: on a generated git repository (100,000 files in folders of 49, plus 50,000
 * files in an ignored `node_modules`), for each target in its own process
 * (bench/watch-target.js):
 *
 *   - `sidecar`: a real sidecar with the files source (engine `auto`: native at this size), a
 *     WebSocket client in this process pinging it every 20 ms;
 *   - `sidecar, chokidar`: the same with `files.engine` chokidar (still in a worker thread);
 *   - `chokidar`, `native`: the bare libraries, pinged over IPC.
 *
 * Measured: start → ready; peak RSS; inotify watches; event-loop delay (max, p99) during the
 * start and during a rewrite of 5,000 files (done by a worker thread here, so the pinger keeps
 * its pace); ping round trips during the rewrite; messages and completeness of the burst; the
 * latency of single saves (p50, p99). Results and method: docs/performance.md.
 *
 *   npm run build && node bench/watch.js [--files 100000] [--ignored 50000] [--burst 5000]
 *     [--saves 30] [--targets all|sidecar] [--json]
 */
import { execFileSync, fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { WebSocket } from 'ws';
import { withTimeout } from './lib/async.js';
import { environment, helpText, parseFlags, runBenchmark } from './lib/cli.js';
import { formatTable, quantile } from './lib/stats.js';

const FLAGS = {
  files: { description: 'files in the repository', default: 100_000, min: 100, max: 1_000_000 },
  ignored: { description: 'files in node_modules', default: 50_000, min: 0, max: 1_000_000 },
  burst: { description: 'files rewritten at once', default: 5000, min: 10, max: 100_000 },
  saves: { description: 'single saves timed', default: 30, min: 1, max: 1000 },
};
const CHOICES = {
  targets: {
    description: 'every target, or the sidecar (native engine) only',
    choices: ['all', 'sidecar'],
  },
};
const FOLDER_SIZE = 49;
const PING_EVERY_MS = 20;
const START_TIMEOUT_MS = 3 * 60_000;
const BURST_TIMEOUT_MS = 60_000;
const TARGET_SCRIPT = fileURLToPath(new URL('./watch-target.js', import.meta.url));

async function main() {
  const { values, choices, json, help } = parseFlags(process.argv.slice(2), FLAGS, CHOICES);
  if (help) {
    process.stdout.write(`${helpText('node bench/watch.js [options]', FLAGS, CHOICES)}\n`);
    return;
  }
  const root = await mkdtemp(join(tmpdir(), 'sidecar-watch-'));
  try {
    const generatedMs = generate(root, values.files, values.ignored);
    log(
      `generated ${values.files} + ${values.ignored} ignored files in ${Math.round(generatedMs)} ms`,
    );
    const targets = [
      { label: 'sidecar', kind: 'sidecar', engine: 'auto' },
      ...(choices.targets === 'all'
        ? [
            { label: 'sidecar, chokidar', kind: 'sidecar', engine: 'chokidar' },
            { label: 'bare chokidar', kind: 'chokidar', engine: '' },
            { label: 'bare native', kind: 'native', engine: '' },
          ]
        : []),
    ];
    const results = [];
    for (const target of targets) {
      log(`${target.label}…`);
      results.push({ label: target.label, ...(await measure(root, target, values)) });
    }
    if (json) {
      process.stdout.write(`${JSON.stringify({ environment: environment(), values, results })}\n`);
      return;
    }
    const env = environment();
    const ms = (/** @type {number} */ value) => (Number.isFinite(value) ? value.toFixed(0) : '–');
    process.stdout.write(
      [
        `command: ${env.command}`,
        `node ${env.node}, ${env.platform}, ${env.cores} × ${env.cpu}`,
        '',
        formatTable(
          [
            'target',
            'ready s',
            'peak RSS MB',
            'watches',
            'start loop max/p99 ms',
            'burst loop max/p99 ms',
            'burst ping max/p99 ms',
            'burst msgs',
            'complete',
            'save p50/p99 ms',
          ],
          results.map((r) => [
            r.label,
            (r.readyMs / 1000).toFixed(1),
            ms(r.peakRssMb),
            String(r.watches),
            `${ms(r.startLoop.max)} / ${ms(r.startLoop.p99)}`,
            `${ms(r.burstLoop.max)} / ${ms(r.burstLoop.p99)}`,
            `${ms(r.burstPing.max)} / ${ms(r.burstPing.p99)}`,
            String(r.burstMessages),
            `${r.burstSeen}/${values.burst}`,
            `${r.save.p50.toFixed(1)} / ${r.save.p99.toFixed(1)}`,
          ]),
        ),
        '',
      ].join('\n'),
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** @param {string} text */
function log(text) {
  process.stderr.write(`${text}\n`);
}

/** Writes the repository; returns how long it took. */
function generate(
  /** @type {string} */ root,
  /** @type {number} */ files,
  /** @type {number} */ ignored,
) {
  const started = performance.now();
  execFileSync('git', ['init', '-q', root]);
  writeFileSync(join(root, '.gitignore'), 'node_modules/\n*.log\n');
  const write = (/** @type {string} */ prefix, /** @type {number} */ count) => {
    for (let index = 0; index < count; index++) {
      const folder = join(root, prefix, `d${Math.floor(index / FOLDER_SIZE)}`);
      if (index % FOLDER_SIZE === 0) mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, `f${index}.ts`), `export const v${index} = ${index};\n`);
    }
  };
  write('src', files);
  write('node_modules/pkg', ignored);
  return performance.now() - started;
}

/** The first `count` files of the tree, as written by `generate`. */
const fileAt = (/** @type {number} */ index) =>
  `src/d${Math.floor(index / FOLDER_SIZE)}/f${index}.ts`;

/**
 * @param {string} root
 * @param {{ kind: string, engine: string }} target
 * @param {Record<keyof typeof FLAGS, number>} values
 */
async function measure(root, target, values) {
  const child = fork(TARGET_SCRIPT, [target.kind, root, target.engine], { stdio: 'inherit' });
  /** @type {((message: any) => void)[]} */
  const listeners = [];
  child.on('message', (message) => {
    for (const listener of [...listeners]) listener(message);
  });
  const nextMessage = (/** @type {(message: any) => boolean} */ predicate) =>
    new Promise((resolve) => {
      const listener = (/** @type {any} */ message) => {
        if (!predicate(message)) return;
        listeners.splice(listeners.indexOf(listener), 1);
        resolve(message);
      };
      listeners.push(listener);
    });
  const started = performance.now();
  /** @type {WebSocket | null} */
  let socket = null;
  try {
    const listening = target.kind === 'sidecar' ? nextMessage((m) => m.type === 'listening') : null;
    const readyMessage = nextMessage((m) => m.type === 'ready');
    await withTimeout(readyMessage, START_TIMEOUT_MS, 'ready');
    const readyMs = performance.now() - started;
    const stats = () => nextMessage((m) => m.type === 'stats').then((m) => m);
    const askStats = () => {
      const answer = stats();
      child.send({ type: 'stats' });
      return answer;
    };
    const startStats = /** @type {any} */ (await askStats());

    // What arrives: paths with their arrival time, and how many messages carried them.
    /** @type {Map<string, number>} */
    const arrivals = new Map();
    let messages = 0;
    /** @type {(() => void) | null} */
    let wake = null;
    const record = (/** @type {string[]} */ paths, /** @type {number} */ at) => {
      messages++;
      for (const path of paths) if (!arrivals.has(path)) arrivals.set(path, at);
      wake?.();
    };
    /** @type {(id: number) => void} */
    let sendPing;
    /** @type {Map<number, number>} */
    const pingsSent = new Map();
    /** @type {number[]} */
    let roundTrips = [];
    const pong = (/** @type {number} */ id) => {
      const sentAt = pingsSent.get(id);
      if (sentAt === undefined) return;
      pingsSent.delete(id);
      roundTrips.push(performance.now() - sentAt);
    };
    if (listening) {
      const { wsUrl, token } = /** @type {any} */ (await listening);
      socket = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${token}` } });
      await new Promise((resolve) => socket?.once('open', resolve));
      const ws = socket;
      ws.on('message', (/** @type {Buffer} */ frame) => {
        const message = JSON.parse(frame.toString());
        if (message.type === 'pong') pong(Number(message.id));
        if (message.type === 'event' && message.channel === 'files') {
          const data = message.data;
          const paths = data.events
            ? data.events.map((/** @type {any} */ e) => e.file)
            : [data.file];
          record(paths, performance.timeOrigin + performance.now());
        }
      });
      ws.send(JSON.stringify({ type: 'subscribe', channel: 'files', id: 'sub' }));
      sendPing = (id) => ws.send(JSON.stringify({ type: 'ping', id: String(id) }));
    } else {
      listeners.push((message) => {
        if (message.type === 'pong') pong(Number(message.id));
        if (message.type === 'events') record(message.paths, message.at);
      });
      sendPing = (id) => child.send({ type: 'ping', id });
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    arrivals.clear();
    messages = 0;
    await askStats(); // the loop delay from here on is the burst's

    let pingId = 0;
    const pinger = setInterval(() => {
      pingsSent.set(++pingId, performance.now());
      sendPing(pingId);
    }, PING_EVERY_MS);
    const burstFiles = Array.from({ length: values.burst }, (_, index) => fileAt(index));
    const writer = new Worker(
      `const { writeFileSync } = require('node:fs');
       const { join } = require('node:path');
       const { root, files } = require('node:worker_threads').workerData;
       for (const file of files) writeFileSync(join(root, file), 'export const rewritten = 1;\\n');`,
      { eval: true, workerData: { root, files: burstFiles } },
    );
    await new Promise((resolve) => writer.once('exit', resolve));
    const allSeen = () => burstFiles.every((file) => arrivals.has(file));
    const deadline = performance.now() + BURST_TIMEOUT_MS;
    while (!allSeen() && performance.now() < deadline) {
      await new Promise((resolve) => {
        wake = () => resolve(undefined);
        setTimeout(resolve, 200);
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 1000)); // stragglers count as messages
    clearInterval(pinger);
    const burstSeen = burstFiles.filter((file) => arrivals.has(file)).length;
    const burstMessages = messages;
    const burstTrips = [
      ...roundTrips,
      ...[...pingsSent.values()].map((at) => performance.now() - at),
    ];
    roundTrips = [];
    const burstStats = /** @type {any} */ (await askStats());

    /** @type {number[]} */
    const latencies = [];
    for (let save = 0; save < values.saves; save++) {
      await new Promise((resolve) => setTimeout(resolve, 600)); // a lone save: quiet before it
      const file = fileAt(values.burst + save);
      const writtenAt = performance.timeOrigin + performance.now();
      writeFileSync(join(root, file), `export const saved = ${save};\n`);
      const until = performance.now() + 10_000;
      while (!arrivals.has(file) && performance.now() < until) {
        await new Promise((resolve) => {
          wake = () => resolve(undefined);
          setTimeout(resolve, 50);
        });
      }
      const at = arrivals.get(file);
      if (at !== undefined) latencies.push(at - writtenAt);
    }
    const finalStats = /** @type {any} */ (await askStats());
    const sortedTrips = burstTrips.sort((a, b) => a - b);
    const sortedLatencies = latencies.sort((a, b) => a - b);
    return {
      readyMs,
      peakRssMb: finalStats.peakRssMb,
      watches: finalStats.watches,
      startLoop: { max: startStats.loopMaxMs, p99: startStats.loopP99Ms },
      burstLoop: { max: burstStats.loopMaxMs, p99: burstStats.loopP99Ms },
      burstPing: { max: sortedTrips.at(-1) ?? Number.NaN, p99: quantile(sortedTrips, 0.99) },
      burstMessages,
      burstSeen,
      save: { p50: quantile(sortedLatencies, 0.5), p99: quantile(sortedLatencies, 0.99) },
    };
  } finally {
    socket?.terminate();
    child.kill('SIGKILL');
  }
}

await runBenchmark(main);
