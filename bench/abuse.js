// @ts-check
/**
 * Abuse benchmark: how much memory one client with a valid token can make the server hold, and
 * how long another client waits for answers meanwhile. Each scenario runs against a fresh
 * sidecar process (`bin/sidecar.js serve` from `dist/`, run `npm run build` first) with the
 * default limits, on loopback:
 *
 *   - replay: N custom channels get M events each (POST /publish). A client that never reads
 *     sends, R times a second, `subscribe` to those channels with `since` seq 0 on each, then
 *     `unsubscribe`, then an empty pong frame (which keeps the heartbeat from dropping it);
 *   - replay-reading: the same cycle, by a client that reads everything it is sent;
 *   - tiny: a client subscribes to one channel and stops reading, while a producer publishes
 *     events (frames of about 95 bytes) over its socket as fast as the server takes them, until
 *     the server closes the client. This one server runs without a rate limit;
 *   - baseline, the control: the replay scenario's server, filled the same way, and no abusive
 *     client at all, for as long as the cycles would take.
 *
 * Meanwhile a bystander connection (in a worker thread) sends a `ping` with an id every 20 ms.
 * Reported per scenario: the server's peak RSS minus its RSS when the scenario started (sampled
 * from `/proc` every 10 ms), the bystander's latency from send to response (p50, p99, max), how
 * many connections the server closed as slow consumers (4008), and the CPU the sidecar and every
 * other process used meanwhile. Aim: RSS growth under 64 MiB and the bystander's p99 under
 * 50 ms. Results and method: docs/performance.md.
 *
 *   npm run build && node bench/abuse.js [--channels 16] [--events 1000] [--cycles 100] [--json]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { WebSocket } from 'ws';
import { withTimeout } from './lib/async.js';
import { environment, helpText, parseFlags, runBenchmark } from './lib/cli.js';
import { cpuSince, cpuSnapshot } from './lib/cpu.js';
import { treeTicks } from './lib/processes.js';
import { formatCount, formatMs, formatTable, median, quantile } from './lib/stats.js';

const FLAGS = {
  channels: {
    description: 'custom channels the replay scenarios fill',
    default: 16,
    min: 1,
    max: 64,
  },
  events: { description: 'events published on each of them', default: 1000, min: 1, max: 100_000 },
  size: { description: 'payload length of those events, bytes', default: 100, min: 0, max: 65_536 },
  cycles: {
    description: 'subscribe/unsubscribe cycles per replay scenario',
    default: 100,
    min: 1,
    max: 10_000,
  },
  rate: {
    description: 'cycles per second (2 messages each; the rate limit is 100/s)',
    default: 45,
    min: 1,
    max: 50,
  },
  tiny: {
    description: 'tiny events the tiny scenario publishes at most',
    default: 200_000,
    min: 1,
    max: 10_000_000,
  },
  runs: {
    description: 'runs of each scenario; medians are reported',
    default: 3,
    min: 1,
    max: 20,
  },
  timeout: { description: 'seconds any single wait may take', default: 120, min: 1, max: 3600 },
};

const CHOICES = {
  scenario: {
    description: 'scenarios to run',
    choices: ['all', 'baseline', 'replay', 'replay-reading', 'tiny'],
  },
};

/** Aims, per abusive client. */
const AIM = { rssGrowthMiB: 64, bystanderP99Ms: 50 };
const CLI = fileURLToPath(new URL('../bin/sidecar.js', import.meta.url));
const TOKEN = 'bench-abuse-token-0123456789';
const BYSTANDER_INTERVAL_MS = 20;
const RSS_SAMPLE_MS = 10;
/** Kept sampling after the server caught up: what was queued may still be growing or draining. */
const SETTLE_MS = 1000;
/** POST /publish requests in flight while filling the channels. */
const PUBLISH_CONCURRENCY = 32;
/** Tiny events published and not answered yet, at most. */
const PUBLISH_WINDOW = 256;
const MiB = 1024 * 1024;

if (isMainThread) await runBenchmark(main);
else await runBystander(workerData);

/**
 * @typedef {object} ScenarioFigures
 * @property {string} scenario
 * @property {number} durationMs The abuse itself, without the settle time.
 * @property {number} cycles Cycles sent (replay scenarios) or tiny events published.
 * @property {number} rssStartMiB
 * @property {number} rssGrowthMiB Peak minus start.
 * @property {number} p50Ms
 * @property {number} p99Ms
 * @property {number} maxMs
 * @property {number} answered Bystander pings answered.
 * @property {number} slowConsumerCloses
 * @property {number} abuserReceivedMiB What the abusive client read (replay-reading only).
 * @property {number} serverCores Cores the sidecar process used, on average.
 * @property {number | null} otherCores Cores every other process used meanwhile (not this
 *   benchmark, not the sidecar): a busy machine slows the bystander's answers too.
 */

async function main() {
  const {
    values: settings,
    choices,
    json,
    help,
  } = parseFlags(process.argv.slice(2), FLAGS, CHOICES);
  if (help) {
    process.stdout.write(`${helpText('node bench/abuse.js [options]', FLAGS, CHOICES)}\n`);
    return;
  }
  if (process.platform !== 'linux') {
    process.stderr.write('bench/abuse.js reads the server RSS from /proc: Linux only\n');
    process.exitCode = 1;
    return;
  }
  const timeoutMs = settings.timeout * 1000;
  const scenarios =
    choices.scenario === 'all'
      ? ['baseline', 'replay', 'replay-reading', 'tiny']
      : [choices.scenario];
  /** @type {ScenarioFigures[]} */
  const runs = [];
  // Round after round, so that a busier spell of the machine does not fall on one scenario.
  for (let round = 1; round <= settings.runs; round++) {
    for (const scenario of scenarios) {
      if (!json) process.stderr.write(`run ${round}/${settings.runs}: ${scenario}\n`);
      runs.push(await runScenario(scenario, settings, timeoutMs));
    }
  }
  const results = scenarios.map((scenario) =>
    medianFigures(runs.filter((run) => run.scenario === scenario)),
  );
  const env = environment();
  if (json) {
    const report = { benchmark: 'abuse', environment: env, settings, aim: AIM, results, runs };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const lines = [
    `command: ${env.command}`,
    `node ${env.node}, ${env.platform}, ${env.cpu} x${env.cores}`,
    `${settings.channels} channels x ${formatCount(settings.events)} events of ${settings.size} B; ` +
      `${settings.cycles} cycles at ${settings.rate}/s; tiny: up to ${formatCount(settings.tiny)} events; ` +
      `median of ${settings.runs} run(s)`,
    '',
    formatTable(
      [
        'scenario',
        'cycles/events',
        'seconds',
        'RSS start MiB',
        'RSS growth MiB',
        'bystander p50 ms',
        'p99 ms',
        'max ms',
        'answered',
        '4008 closes',
        'abuser read MiB',
        'sidecar cores',
        'other cores',
      ],
      results.map((r) => [
        r.scenario,
        formatCount(r.cycles),
        (r.durationMs / 1000).toFixed(1),
        r.rssStartMiB.toFixed(1),
        r.rssGrowthMiB.toFixed(1),
        formatMs(r.p50Ms),
        formatMs(r.p99Ms),
        formatMs(r.maxMs),
        formatCount(r.answered),
        String(r.slowConsumerCloses),
        r.abuserReceivedMiB.toFixed(1),
        r.serverCores.toFixed(2),
        r.otherCores === null ? '-' : r.otherCores.toFixed(2),
      ]),
    ),
    '',
    `aim: RSS growth < ${AIM.rssGrowthMiB} MiB, bystander p99 < ${AIM.bystanderP99Ms} ms`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * Each figure's median over `runs` (of one scenario).
 *
 * @param {ScenarioFigures[]} runs
 * @returns {ScenarioFigures}
 */
function medianFigures(runs) {
  const first = /** @type {ScenarioFigures} */ (runs[0]);
  /** @type {Record<string, unknown>} */
  const figures = { scenario: first.scenario };
  for (const key of Object.keys(first)) {
    if (key === 'scenario') continue;
    const values = runs.map((run) => /** @type {Record<string, unknown>} */ (run)[key]);
    figures[key] = values.includes(null) ? null : median(/** @type {number[]} */ (values));
  }
  return /** @type {ScenarioFigures} */ (figures);
}

/**
 * @param {string} scenario
 * @param {Record<keyof typeof FLAGS, number>} settings
 * @param {number} timeoutMs
 * @returns {Promise<ScenarioFigures>}
 */
async function runScenario(scenario, settings, timeoutMs) {
  const root = await mkdtemp(join(tmpdir(), 'sidecar-bench-abuse-'));
  const runtimeDir = await mkdtemp(join(tmpdir(), 'sidecar-bench-runtime-'));
  const server = spawn(
    process.execPath,
    [
      CLI,
      'serve',
      ...['--root', root, '--port', '0', '--token', TOKEN, '--log-level', 'error'],
      // The tiny events come from a producer on a socket; the replay abuse runs under the
      // default rate limit.
      ...(scenario === 'tiny' ? ['--rate-limit', '0'] : []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, XDG_RUNTIME_DIR: runtimeDir } },
  );
  const agent = new Agent({ keepAlive: true, maxSockets: PUBLISH_CONCURRENCY });
  /** @type {WebSocket[]} */
  const sockets = [];
  /** @type {Array<() => unknown>} */
  const stops = [];
  try {
    const wsUrl = await withTimeout(wsUrlOf(server), timeoutMs, 'for the sidecar to start');
    const base = wsUrl.replace(/^ws:/, 'http:').replace(/\/ws$/, '');
    const connect = async () => {
      const socket = await withTimeout(openSocket(wsUrl), timeoutMs, 'to connect');
      sockets.push(socket);
      return socket;
    };
    const channels = Array.from({ length: settings.channels }, (_, i) => `custom:abuse${i}`);
    if (scenario !== 'tiny') {
      const payload = 'x'.repeat(settings.size);
      const jobs = channels.flatMap((channel) =>
        Array.from(
          { length: settings.events },
          (_, i) => () =>
            post(agent, `${base}/publish`, { channel, event: 'fill', data: { i, payload } }),
        ),
      );
      await withTimeout(runConcurrently(jobs), timeoutMs, 'to fill the channels');
    }
    const abuser = await connect();
    const epoch = /** @type {string} */ ((await serverInfo(abuser)).epoch);
    const producer = scenario === 'tiny' ? await connect() : undefined;
    const bystander = await withTimeout(startBystander(wsUrl), timeoutMs, 'for the bystander');
    stops.push(() => bystander.stop());
    const pid = /** @type {number} */ (server.pid);
    const rss = startRssSampler(pid);
    stops.push(() => rss.stop());
    const closesBefore = await slowConsumerCloses(base);
    const cpuBefore = cpuSnapshot();
    const serverTicksBefore = treeTicks(pid);
    const started = performance.now();
    let count = 0;
    let abuserReceived = 0;
    if (producer) {
      abuser.send(JSON.stringify({ type: 'subscribe', id: 's', channel: 'custom:t' }));
      await withTimeout(responseTo(abuser, 's'), timeoutMs, 'for the subscribe response');
      // From here on the client reads nothing.
      abuser.pause();
      count = await withTimeout(
        publishUntilClosed(producer, base, closesBefore, settings.tiny),
        timeoutMs,
        'for the tiny events',
      );
    } else if (scenario === 'baseline') {
      await sleep((settings.cycles / settings.rate) * 1000);
    } else {
      if (scenario === 'replay') abuser.pause();
      else
        abuser.on(
          'message',
          (/** @type {import('ws').RawData} */ data) =>
            (abuserReceived += /** @type {Buffer} */ (data).length),
        );
      const since = { epoch, seq: Object.fromEntries(channels.map((c) => [c, 0])) };
      const intervalMs = 1000 / settings.rate;
      for (; count < settings.cycles; count++) {
        abuser.send(JSON.stringify({ type: 'subscribe', id: `s${count}`, channels, since }));
        abuser.send(JSON.stringify({ type: 'unsubscribe', id: `u${count}`, channels }));
        abuser.pong();
        const next = started + (count + 1) * intervalMs;
        await sleep(Math.max(0, next - performance.now()));
      }
    }
    const durationMs = performance.now() - started;
    // A server that fell behind is still working through the abuser's messages: wait until it
    // has answered the bystander's pings sent so far, then a little longer.
    await withTimeout(bystander.answered(), timeoutMs, 'for the server to catch up');
    await sleep(SETTLE_MS);
    stops.length = 0;
    const latencies = await bystander.stop();
    const memory = rss.stop();
    const measuredMs = performance.now() - started;
    const cpu = cpuSince(cpuBefore);
    const serverCores = ((treeTicks(pid).root - serverTicksBefore.root) * 10) / measuredMs;
    const closes = (await slowConsumerCloses(base)) - closesBefore;
    const sorted = Float64Array.from(latencies).sort();
    return {
      scenario,
      durationMs,
      cycles: count,
      rssStartMiB: memory.start / MiB,
      rssGrowthMiB: (memory.max - memory.start) / MiB,
      p50Ms: quantile(sorted, 0.5),
      p99Ms: quantile(sorted, 0.99),
      maxMs: sorted.length > 0 ? /** @type {number} */ (sorted[sorted.length - 1]) : Number.NaN,
      answered: sorted.length,
      slowConsumerCloses: closes,
      abuserReceivedMiB: abuserReceived / MiB,
      serverCores,
      otherCores: cpu.otherCores === null ? null : Math.max(0, cpu.otherCores - serverCores),
    };
  } finally {
    await Promise.all(stops.map((stop) => Promise.resolve(stop()).catch(() => {})));
    for (const socket of sockets) socket.terminate();
    agent.destroy();
    const exited = new Promise((resolve) => server.once('exit', resolve));
    if (server.exitCode === null) server.kill('SIGTERM');
    await withTimeout(exited, timeoutMs, 'for the sidecar to exit').catch(() =>
      server.kill('SIGKILL'),
    );
    await rm(root, { recursive: true, force: true });
    await rm(runtimeDir, { recursive: true, force: true });
  }
}

/**
 * Publishes tiny events on `custom:t` over `producer`, at most PUBLISH_WINDOW unanswered, until
 * the server closed its non-reading subscriber (4008) or `limit` were published; returns how
 * many were.
 *
 * @param {WebSocket} producer
 * @param {string} base
 * @param {number} closesBefore
 * @param {number} limit
 * @returns {Promise<number>}
 */
function publishUntilClosed(producer, base, closesBefore, limit) {
  return new Promise((resolve, reject) => {
    let published = 0;
    let answered = 0;
    let closed = false;
    const poll = setInterval(() => {
      slowConsumerCloses(base).then((closes) => {
        if (closes > closesBefore) closed = true;
      }, reject);
    }, 100);
    const fill = () => {
      while (!closed && published < limit && published - answered < PUBLISH_WINDOW) {
        producer.send(
          JSON.stringify({
            type: 'publish',
            id: `p${published++}`,
            channel: 'custom:t',
            event: 't',
            data: 0,
          }),
        );
      }
      if (answered === published && (closed || published >= limit)) {
        clearInterval(poll);
        producer.off('message', onMessage);
        resolve(published);
      }
    };
    const onMessage = () => {
      answered++;
      fill();
    };
    producer.on('message', onMessage);
    fill();
  });
}

/**
 * The bystander, in a worker thread so that the abusive clients' work in this process does not
 * delay it: a connection sending a `ping` with an id every 20 ms, timing each one to its
 * response.
 *
 * @param {string} url
 */
async function startBystander(url) {
  const worker = new Worker(new URL(import.meta.url), { workerData: { url } });
  /** @type {Map<string, (value: unknown) => void>} */
  const waiting = new Map();
  /** @type {Error | undefined} */
  let failure;
  worker.on('error', (error) => {
    failure = error;
    for (const resolve of waiting.values()) resolve(undefined);
  });
  worker.on('message', (/** @type {{ reply: string, value: unknown }} */ { reply, value }) => {
    waiting.get(reply)?.(value);
    waiting.delete(reply);
  });
  /** @param {string} command */
  const ask = async (command) => {
    const value = await new Promise((resolve) => {
      waiting.set(command, resolve);
      worker.postMessage(command);
    });
    if (failure) throw failure;
    return value;
  };
  await ask('ready');
  return {
    /** Resolves once every ping sent so far has been answered. */
    answered: () => ask('answered'),
    /** Stops pinging; a ping still unanswered counts with its wait so far. */
    async stop() {
      const latencies = /** @type {number[]} */ (await ask('stop'));
      await worker.terminate();
      return latencies;
    },
  };
}

/**
 * The worker side of `startBystander`.
 *
 * @param {{ url: string }} data
 */
async function runBystander({ url }) {
  const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
  const socket = await openSocket(url);
  /** @type {Map<string, number>} */
  const sent = new Map();
  /** @type {number[]} */
  const latencies = [];
  socket.on('message', (/** @type {import('ws').RawData} */ data) => {
    const message = JSON.parse(String(data));
    const at = message.type === 'response' ? sent.get(message.id) : undefined;
    if (at === undefined) return;
    sent.delete(message.id);
    latencies.push(performance.now() - at);
  });
  let n = 0;
  const timer = setInterval(() => {
    const id = `b${n++}`;
    sent.set(id, performance.now());
    socket.send(JSON.stringify({ type: 'ping', id }));
  }, BYSTANDER_INTERVAL_MS);
  port.on('message', async (/** @type {string} */ command) => {
    if (command === 'answered') {
      const last = `b${n - 1}`;
      while (sent.has(last)) await sleep(BYSTANDER_INTERVAL_MS);
    }
    if (command !== 'stop') {
      port.postMessage({ reply: command, value: null });
      return;
    }
    clearInterval(timer);
    const now = performance.now();
    for (const at of sent.values()) latencies.push(now - at);
    socket.terminate();
    port.postMessage({ reply: command, value: latencies });
  });
}

/**
 * Samples the resident memory of process `pid` every 10 ms.
 *
 * @param {number} pid
 */
function startRssSampler(pid) {
  const read = () => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    } catch {
      return 0; // exited
    }
  };
  const start = read();
  let max = start;
  const timer = setInterval(() => {
    max = Math.max(max, read());
  }, RSS_SAMPLE_MS);
  return {
    stop() {
      clearInterval(timer);
      max = Math.max(max, read());
      return { start, max };
    },
  };
}

/**
 * Runs `jobs`, at most PUBLISH_CONCURRENCY at a time.
 *
 * @param {Array<() => Promise<unknown>>} jobs
 */
async function runConcurrently(jobs) {
  let next = 0;
  await Promise.all(
    Array.from({ length: PUBLISH_CONCURRENCY }, async () => {
      while (next < jobs.length) await /** @type {() => Promise<unknown>} */ (jobs[next++])();
    }),
  );
}

/**
 * @param {Agent} agent
 * @param {string} url
 * @param {object} body
 * @returns {Promise<string>}
 */
function post(agent, url, body) {
  // One write with a Content-Length: a chunked body goes out after the headers as a second small
  // segment, which Nagle holds until the server's delayed ACK (about 40 ms per request).
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${TOKEN}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(text)
            : reject(new Error(`${url}: ${res.statusCode} ${text}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

/**
 * The server's count of slow-consumer closes, from `/metrics`.
 *
 * @param {string} base
 */
function slowConsumerCloses(base) {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}/metrics`,
      // A fresh connection: a kept-alive one may be closed by the server just as it is reused.
      { headers: { authorization: `Bearer ${TOKEN}` }, agent: false },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () =>
          resolve(
            Number(/^sidecar_slow_consumer_closes_total (\d+)/m.exec(text)?.[1] ?? Number.NaN),
          ),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** @param {WebSocket} socket */
async function serverInfo(socket) {
  socket.send(JSON.stringify({ type: 'request', id: 'info', method: 'server.info' }));
  return /** @type {Record<string, unknown>} */ ((await responseTo(socket, 'info')).result);
}

/**
 * @param {WebSocket} socket
 * @param {string} id
 * @returns {Promise<{ result?: unknown, error?: unknown }>}
 */
function responseTo(socket, id) {
  return new Promise((resolve) => {
    const onMessage = (/** @type {Buffer} */ data) => {
      const message = JSON.parse(String(data));
      if (message.type !== 'response' || message.id !== id) return;
      socket.off('message', onMessage);
      resolve(message);
    };
    socket.on('message', onMessage);
  });
}

/** @param {string} url */
function openSocket(url) {
  const socket = new WebSocket(url, { headers: { authorization: `Bearer ${TOKEN}` } });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** @param {import('node:child_process').ChildProcess} child */
function wsUrlOf(child) {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const match = /WebSocket:\s+(ws:\/\/\S+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`sidecar exited with code ${code}: ${out}`)));
  });
}

/** @param {number} ms */
function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
