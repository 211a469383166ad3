// @ts-check
/**
 * Fan-out benchmark: N subscribers on one channel, one producer publishing small events as
 * fast as the flow-control window allows. Measures delivered events/s and latency for
 *
 *   - `bare ws`: a plain `ws` server that JSON.parses each message once and relays the same
 *     bytes to every other client — the floor every layer above `ws` is measured against;
 *   - `sidecar`: `startSidecar()` from `dist/` (run `npm run build` first), subscribers on
 *     `custom:bench`, the producer sending `publish` messages.
 *
 * The servers run on this thread; the producer and subscribers run in a worker thread
 * (`fanout-clients.js`), so that on a 2-core machine the clients' parsing does not take the
 * server's CPU time. Runs alternate between the targets and the median of each figure is
 * reported, with the server thread's CPU time per delivery (its cost, whichever thread limits
 * throughput) and the CPU other processes used meanwhile (a disturbed run is repeated).
 * Aim: sidecar delivered/s >= 0.9 of bare ws. Results and method: docs/performance.md.
 *
 *   npm run build && node bench/fanout.js [--clients 100] [--events 20000] [--size 100]
 *     [--runs 3] [--json]                       (--help lists every flag)
 *   node --cpu-prof bench/fanout.js --target sidecar --runs 1     (profile one server)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { WebSocket, WebSocketServer } from 'ws';
import { startSidecar } from '../dist/index.js';
import { AIM, compare, formatReport, isDisturbed, progressLine } from './fanout-report.js';
import { withTimeout } from './lib/async.js';
import { environment, helpText, parseFlags, runBenchmark, UsageError } from './lib/cli.js';
import { cpuSince, cpuSnapshot } from './lib/cpu.js';
import { median } from './lib/stats.js';

/** @typedef {import('./fanout-clients.js').FanoutJob} FanoutJob */
/** @typedef {import('./fanout-clients.js').FanoutResult} FanoutResult */

/** @typedef {import('./fanout-report.js').RunFigures} RunFigures */

const FLAGS = {
  clients: { description: 'subscriber connections', default: 100, min: 1, max: 5000 },
  events: { description: 'events published per measured run', default: 20_000, min: 1, max: 1e7 },
  size: { description: 'payload length in bytes', default: 100, min: 0, max: 256 * 1024 },
  runs: { description: 'runs per target; medians are reported', default: 3, min: 1, max: 50 },
  window: {
    description: 'events in flight at most (sent, not yet received by all)',
    default: 16,
    min: 1,
    max: 100_000,
  },
  warmup: {
    description: 'events published before each run, not measured',
    default: 2000,
    min: 0,
    max: 1e6,
  },
  retries: {
    description: 'times a run disturbed by other processes is repeated',
    default: 2,
    min: 0,
    max: 10,
  },
  timeout: { description: 'seconds any single wait may take', default: 60, min: 1, max: 3600 },
};

const CHOICES = {
  target: {
    description: 'servers to measure; one alone is for profiling',
    choices: ['both', 'sidecar', 'bare'],
  },
};

/** Latencies are kept per delivery (8 bytes each); this bounds that memory to 160 MB. */
const MAX_DELIVERIES_PER_RUN = 20_000_000;
const CHANNEL = 'custom:bench';

await runBenchmark(main);

async function main() {
  const {
    values: settings,
    choices,
    json,
    help,
  } = parseFlags(process.argv.slice(2), FLAGS, CHOICES);
  if (help) {
    process.stdout.write(`${helpText('node bench/fanout.js [options]', FLAGS, CHOICES)}\n`);
    return;
  }
  const deliveries = settings.clients * settings.events;
  if (deliveries > MAX_DELIVERIES_PER_RUN) {
    throw new UsageError(
      `--clients x --events is ${deliveries}; at most ${MAX_DELIVERIES_PER_RUN} deliveries per run`,
    );
  }
  const timeoutMs = settings.timeout * 1000;
  const env = environment();

  /** @type {Array<() => Promise<unknown>>} */
  const cleanups = [];
  try {
    const targets = (await startTargets(settings, timeoutMs, cleanups)).filter(
      (job) => choices.target === 'both' || job.target.startsWith(choices.target),
    );
    const clients = startClientWorker();
    cleanups.push(() => clients.close());

    const runs = await measureAlternately(clients, targets, settings, timeoutMs);
    const summary = Object.fromEntries(
      Object.entries(runs).map(([target, figures]) => [target, medianFigures(figures)]),
    );
    const ratio = compare(summary);
    const disturbedRuns = Object.values(runs).flat().filter(isDisturbed).length;

    if (json) {
      const report = {
        benchmark: 'fanout',
        environment: env,
        settings,
        summary,
        ratio: ratio?.throughput ?? null,
        cpuRatio: ratio?.cpu ?? null,
        aim: AIM,
        disturbedRuns,
        runs,
      };
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      process.stdout.write(`${formatReport(env, settings, summary, ratio, disturbedRuns)}\n`);
    }
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await withTimeout(cleanup(), timeoutMs, 'for cleanup').catch((error) =>
        process.stderr.write(`cleanup: ${error.message}\n`),
      );
    }
  }
}

/**
 * Starts both servers on loopback, port 0, and describes how clients use each one. Pushes the
 * matching cleanups (run in reverse order) as it goes, so a failure half-way still cleans up.
 *
 * @param {Record<keyof typeof FLAGS, number>} settings
 * @param {number} timeoutMs
 * @param {Array<() => Promise<unknown>>} cleanups
 * @returns {Promise<FanoutJob[]>}
 */
async function startTargets(settings, timeoutMs, cleanups) {
  const root = await mkdtemp(join(tmpdir(), 'sidecar-bench-'));
  cleanups.push(() => rm(root, { recursive: true, force: true }));
  const sidecar = await withTimeout(
    startSidecar({
      root,
      port: 0,
      logLevel: 'silent',
      sources: [],
      rateLimit: 0,
      history: 1000,
      discovery: false,
    }),
    timeoutMs,
    'for the sidecar to start',
  );
  cleanups.push(() => sidecar.close('benchmark done'));
  const bare = await withTimeout(startBareRelay(), timeoutMs, 'for the bare ws relay to start');
  cleanups.push(() => bare.close());

  const common = {
    channel: CHANNEL,
    clients: settings.clients,
    events: settings.events,
    warmup: settings.warmup,
    size: settings.size,
    window: settings.window,
    timeoutMs,
  };
  return [
    {
      ...common,
      target: 'bare ws',
      url: bare.url,
      headers: {},
      subscribe: null,
      eventType: 'publish',
    },
    {
      ...common,
      target: 'sidecar',
      url: sidecar.wsUrl,
      headers: { authorization: `Bearer ${sidecar.token}` },
      subscribe: CHANNEL,
      eventType: 'event',
    },
  ];
}

/**
 * Measures each target `settings.runs` times, alternating which goes first so that slow drift
 * (heat, JIT, GC, a neighbour) does not favour one. A run disturbed by other processes is
 * repeated up to `settings.retries` times; the last attempt is kept either way.
 *
 * @param {ReturnType<typeof startClientWorker>} clients
 * @param {FanoutJob[]} targets
 * @param {Record<keyof typeof FLAGS, number>} settings
 * @param {number} timeoutMs
 * @returns {Promise<Record<string, RunFigures[]>>} The kept runs, by target.
 */
async function measureAlternately(clients, targets, settings, timeoutMs) {
  /** @type {Record<string, RunFigures[]>} */
  const runs = Object.fromEntries(targets.map((job) => [job.target, []]));
  for (let run = 1; run <= settings.runs; run++) {
    const order = run % 2 === 1 ? targets : [...targets].reverse();
    for (const job of order) {
      for (let attempt = 0; ; attempt++) {
        const figures = await measure(clients, job, timeoutMs);
        const retry = isDisturbed(figures) && attempt < settings.retries;
        process.stderr.write(
          `${progressLine(`run ${run}/${settings.runs}`, job.target, figures)}` +
            `${retry ? '  (other processes were busy: repeating)' : ''}\n`,
        );
        if (!retry) {
          runs[job.target]?.push(figures);
          break;
        }
      }
    }
  }
  return runs;
}

/**
 * A plain `ws` server on 127.0.0.1:0 that parses each message once (as any relay must, to
 * route it) and sends the received bytes, as a text frame, to every other client. Sending the
 * one Buffer it received is the cheapest correct relay: nothing is re-encoded per client.
 *
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
async function startBareRelay() {
  const server = createServer((_request, response) => response.writeHead(426).end());
  const wss = new WebSocketServer({ server, perMessageDeflate: false, maxPayload: 1024 * 1024 });
  wss.on('connection', (socket) => {
    socket.on('error', () => {});
    socket.on('message', (data, isBinary) => {
      const frame = /** @type {Buffer} */ (data);
      const message = JSON.parse(frame.toString());
      if (isBinary || message.type !== 'publish') return;
      for (const client of wss.clients) {
        if (client !== socket && client.readyState === WebSocket.OPEN) {
          client.send(frame, { binary: false });
        }
      }
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `ws://127.0.0.1:${address.port}/`,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise((resolve) => wss.close(() => resolve(undefined)));
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

/**
 * Starts the worker thread that hosts the producer and the subscribers.
 *
 * @returns {{
 *   run: (job: FanoutJob, signal: (measuring: 'start' | 'end') => void) => Promise<FanoutResult>,
 *   close: () => Promise<number>,
 * }}
 */
function startClientWorker() {
  const worker = new Worker(new URL('./fanout-clients.js', import.meta.url));
  let nextId = 0;
  /**
   * @type {Map<number, {
   *   resolve: (result: FanoutResult) => void,
   *   reject: (error: Error) => void,
   *   signal: (measuring: 'start' | 'end') => void,
   * }>}
   */
  const pending = new Map();
  /** @param {Error} error */
  const rejectAll = (error) => {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  worker.on('message', ({ id, measuring, result, error }) => {
    const job = pending.get(id);
    if (!job) return;
    if (measuring) return job.signal(measuring);
    pending.delete(id);
    if (error) job.reject(new Error(error));
    else job.resolve(result);
  });
  worker.on('error', rejectAll);
  worker.on('exit', (code) => rejectAll(new Error(`the client worker exited (code ${code})`)));
  return {
    run: (job, signal) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject, signal });
        worker.postMessage({ id, job });
      }),
    close: () => worker.terminate(),
  };
}

/**
 * Runs one job and turns its result into per-second figures, with the server thread's busy
 * share and the machine's CPU use over the measured phase (between the worker's signals).
 *
 * @param {ReturnType<typeof startClientWorker>} clients
 * @param {FanoutJob} job
 * @param {number} timeoutMs
 * @returns {Promise<RunFigures>}
 */
async function measure(clients, job, timeoutMs) {
  /** @type {import('node:perf_hooks').EventLoopUtilization | undefined} */
  let busyBefore;
  /** @type {import('./lib/cpu.js').CpuSnapshot | undefined} */
  let cpuBefore;
  let serverLoopBusy = Number.NaN;
  /** @type {ReturnType<typeof cpuSince>} */
  let cpu = { benchCores: Number.NaN, mainThreadMs: null, otherCores: null, stealCores: null };
  /** @param {'start' | 'end'} measuring */
  const signal = (measuring) => {
    if (measuring === 'start') {
      busyBefore = performance.eventLoopUtilization();
      cpuBefore = cpuSnapshot();
    } else if (busyBefore && cpuBefore) {
      serverLoopBusy = performance.eventLoopUtilization(busyBefore).utilization;
      cpu = cpuSince(cpuBefore);
    }
  };
  // The job's own waits are bounded by timeoutMs each; this bounds the whole job.
  const result = await withTimeout(
    clients.run(job, signal),
    timeoutMs * 6,
    `for a ${job.target} run`,
  );
  const seconds = result.durationMs / 1000;
  return {
    deliveredPerSecond: result.deliveries / seconds,
    publishedPerSecond: result.published / seconds,
    p50Ms: result.latencyMs.p50,
    p99Ms: result.latencyMs.p99,
    maxMs: result.latencyMs.max,
    serverCpuUsPerDelivery:
      cpu.mainThreadMs === null ? null : (cpu.mainThreadMs * 1000) / result.deliveries,
    serverLoopBusy,
    clientLoopBusy: result.clientLoopBusy,
    benchCores: cpu.benchCores,
    otherCores: cpu.otherCores === null ? null : cpu.otherCores + (cpu.stealCores ?? 0),
  };
}

/**
 * The median of each figure over the runs (each taken on its own).
 *
 * @param {RunFigures[]} runs
 * @returns {RunFigures}
 */
function medianFigures(runs) {
  const keys = /** @type {(keyof RunFigures)[]} */ (Object.keys(runs[0] ?? {}));
  /** @param {keyof RunFigures} key */
  const medianOf = (key) => {
    const values = runs.map((run) => run[key]);
    return values.every((value) => typeof value === 'number') ? median(values) : null;
  };
  return /** @type {RunFigures} */ (Object.fromEntries(keys.map((key) => [key, medianOf(key)])));
}
