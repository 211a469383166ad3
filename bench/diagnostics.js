// @ts-check
/**
 * Diagnostics benchmark: on a generated TypeScript workspace (default 2,000 files), how long
 * from saving a file with a new type error to the `updated` event that reports it (and from
 * saving the fix to the `updated` that clears it), with a warm language server; and how much
 * memory the sidecar and its language server processes use.
 *
 * It runs the real CLI (`node bin/sidecar.js serve`, so `npm run build` first) as a child
 * process with the built-in TypeScript server, and one WebSocket subscriber. The workspace is
 * made in the OS temp folder and deleted afterwards. Memory is read from /proc (Linux).
 *
 *   npm run build && node bench/diagnostics.js [--files 2000] [--edits 20] [--json]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import * as graph from './diagnostics-graph.js';
import { withTimeout } from './lib/async.js';
import { EDITED, editedFile, generateChainedProject, SEEDED } from './lib/chained-project.js';
import { environment, helpText, parseFlags, runBenchmark } from './lib/cli.js';
import { cpuSince, cpuSnapshot } from './lib/cpu.js';
import { processTree, treeTicks } from './lib/processes.js';
import { formatCount, formatMs, formatTable, quantile } from './lib/stats.js';

const FLAGS = {
  files: { description: 'TypeScript files in the workspace', default: 2000, min: 10, max: 50_000 },
  edits: { description: 'measured edits (each: break, then fix)', default: 20, min: 1, max: 1000 },
  warmup: { description: 'edits before measuring, not counted', default: 3, min: 0, max: 100 },
  timeout: { description: 'seconds any single wait may take', default: 180, min: 1, max: 3600 },
  dependents: {
    description:
      'instead: a monorepo whose core module has this many importers (see diagnostics-graph.js)',
    default: 0,
    min: 0,
    max: 5000,
  },
  'dependent-saves': {
    description: 'timed saves of the core module',
    default: 10,
    min: 1,
    max: 200,
  },
  'burst-seconds': {
    description: 'seconds of saving the core module every 2 s',
    default: 60,
    min: 0,
    max: 600,
  },
};

const TOKEN = 'bench-token-0123456789abcdef';
const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'sidecar.js');
/** Files per folder; each imports the one before it, so edits have dependents to recheck. */
const FOLDER_SIZE = 100;

await runBenchmark(main);

async function main() {
  const { values, json, help } = parseFlags(process.argv.slice(2), FLAGS);
  if (help) {
    process.stdout.write(`${helpText('node bench/diagnostics.js [options]', FLAGS)}\n`);
    return;
  }
  const timeoutMs = values.timeout * 1000;
  if (values.dependents > 0) {
    await graphMain(values, json);
    return;
  }
  const root = await mkdtemp(join(tmpdir(), 'sidecar-bench-diagnostics-'));
  // The discovery file goes here, not into the watched workspace.
  const runtimeDir = await mkdtemp(join(tmpdir(), 'sidecar-bench-runtime-'));
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let server;
  /** @type {WebSocket | undefined} */
  let socket;
  try {
    await generateChainedProject(root, values.files, { folderSize: FOLDER_SIZE });
    const startedAt = performance.now();
    server = spawn(
      process.execPath,
      [CLI, 'serve', '--root', root, '--port', '0', '--token', TOKEN, '--log-level', 'warn'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, XDG_RUNTIME_DIR: runtimeDir },
      },
    );
    const url = await withTimeout(wsUrlOf(server), timeoutMs, 'for the sidecar to start');
    const subscriber = await withTimeout(connect(url), timeoutMs, 'to connect');
    socket = subscriber.socket;
    const { updated } = subscriber;
    const firstCheck = updated(SEEDED, (errors) => errors > 0);
    subscriber.subscribe();
    await withTimeout(firstCheck, timeoutMs, 'for the first check');
    const firstReportMs = performance.now() - startedAt;

    const appear = [];
    const clear = [];
    /** @type {ReturnType<typeof cpuSnapshot> | undefined} */
    let cpuBefore;
    let ticksBefore = { root: 0, below: 0 };
    for (let i = 0; i < values.warmup + values.edits; i++) {
      if (i === values.warmup) {
        cpuBefore = cpuSnapshot();
        ticksBefore = treeTicks(server.pid);
      }
      const broken = performance.now();
      const sawError = updated(EDITED, (errors) => errors > 0);
      await writeFile(join(root, EDITED), editedFile(i, true));
      await withTimeout(sawError, timeoutMs, `for edit ${i}'s error`);
      const fixed = performance.now();
      const sawClear = updated(EDITED, (errors) => errors === 0);
      await writeFile(join(root, EDITED), editedFile(i, false));
      await withTimeout(sawClear, timeoutMs, `for edit ${i}'s fix`);
      if (i >= values.warmup) {
        appear.push(fixed - broken);
        clear.push(performance.now() - fixed);
      }
      if (!json) process.stderr.write(`\redits: ${i + 1}/${values.warmup + values.edits}`);
    }
    if (!json) process.stderr.write('\n');
    const cpu = cpuBefore && cpuSince(cpuBefore);
    const measuredMs = performance.now() - (cpuBefore?.at ?? 0);
    const ticksAfter = treeTicks(server.pid);
    const coresOf = (/** @type {number} */ ticks) => (ticks * 10) / measuredMs;
    const sidecarCores = coresOf(ticksAfter.root - ticksBefore.root);
    const serverCores = coresOf(ticksAfter.below - ticksBefore.below);
    const load = cpu && {
      sidecarCores,
      serverCores,
      benchCores: cpu.benchCores,
      otherCores:
        cpu.otherCores === null ? null : Math.max(0, cpu.otherCores - sidecarCores - serverCores),
    };
    const tree = server.pid === undefined ? undefined : processTree(server.pid);
    if (subscriber.unexpected.size > 0) {
      throw new Error(`generated files with type errors: ${[...subscriber.unexpected].join(', ')}`);
    }
    report({ values, json, firstReportMs, appear, clear, tree, load });
  } finally {
    socket?.close();
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server?.once('exit', resolve));
      server.kill('SIGTERM');
      await withTimeout(exited, 30_000, 'for the sidecar to exit').catch(() =>
        server?.kill('SIGKILL'),
      );
    }
    await rm(root, { recursive: true, force: true });
    await rm(runtimeDir, { recursive: true, force: true });
  }
}

/**
 * The WebSocket URL from the banner the CLI prints.
 *
 * @param {import('node:child_process').ChildProcess} child
 * @returns {Promise<string>}
 */
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

/**
 * A client for `diagnostics`; `updated(file, test)` resolves on the next report (an `updated`,
 * or an entry of the snapshot) for `file` whose error count passes `test`.
 *
 * @param {string} url
 */
async function connect(url, expectedErrors = new Set([SEEDED, EDITED])) {
  const socket = new WebSocket(url, { headers: { authorization: `Bearer ${TOKEN}` } });
  /** @type {Set<(file: string, errors: number, messages: string[]) => void>} */
  const waiters = new Set();
  /** @type {Map<string, number>} when each file's last `updated` arrived */
  const lastAt = new Map();
  /** @type {Map<string, (result: any) => void>} */
  const responses = new Map();
  let requests = 0;
  /** Generated files reported with errors: the generator should make none. */
  const unexpected = new Set();
  socket.on('message', (frame) => {
    const message = JSON.parse(frame.toString());
    if (message.type === 'response') responses.get(message.id)?.(message.result);
    if (message.channel !== 'diagnostics') return;
    const reports = message.type === 'snapshot' ? message.data.files : [message.data];
    for (const { file, diagnostics } of reports) {
      const errors = diagnostics.filter((/** @type {any} */ d) => d.severity === 'error').length;
      if (errors > 0 && !expectedErrors.has(file)) unexpected.add(file);
      if (message.type === 'event') lastAt.set(file, performance.now());
      const messages = diagnostics.map((/** @type {any} */ d) => d.message);
      for (const waiter of waiters) waiter(file, errors, messages);
    }
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const subscribe = () =>
    socket.send(JSON.stringify({ type: 'subscribe', channels: ['diagnostics'] }));
  /**
   * @param {string} file
   * @param {(errors: number, messages: string[]) => boolean} test
   * @returns {Promise<void>}
   */
  const updated = (file, test) =>
    new Promise((resolve) => {
      /** @type {(f: string, errors: number, messages: string[]) => void} */
      const waiter = (f, errors, messages) => {
        if (f !== file || !test(errors, messages)) return;
        waiters.delete(waiter);
        resolve();
      };
      waiters.add(waiter);
    });
  /**
   * @param {string} method
   * @param {unknown} params
   * @returns {Promise<any>}
   */
  const request = (method, params) =>
    new Promise((resolve) => {
      const id = `r${++requests}`;
      responses.set(id, resolve);
      socket.send(JSON.stringify({ type: 'request', id, method, params }));
    });
  return { socket, subscribe, updated, unexpected, request, lastAt };
}

/**
 * @param {{ values: Record<string, number>, json: boolean, firstReportMs: number,
 *   appear: number[], clear: number[], tree: ReturnType<typeof processTree>,
 *   load: { sidecarCores: number, serverCores: number, benchCores: number,
 *     otherCores: number | null } | undefined,
 * }} results
 */
function report({ values, json, firstReportMs, appear, clear, tree, load }) {
  const sorted = (/** @type {number[]} */ list) => [...list].sort((a, b) => a - b);
  const stats = (/** @type {number[]} */ list) => {
    const s = sorted(list);
    return { p50: quantile(s, 0.5), p95: quantile(s, 0.95), max: s.at(-1) ?? Number.NaN };
  };
  const results = {
    settings: values,
    environment: environment(),
    firstReportMs,
    errorAppearsMs: stats(appear),
    errorClearsMs: stats(clear),
    processes: tree,
    load,
    samples: { appear, clear },
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    return;
  }
  const env = results.environment;
  const mb = (/** @type {number} */ bytes) => `${formatCount(bytes / (1024 * 1024))} MB`;
  const lines = [
    `diagnostics: ${formatCount(values.files ?? 0)} TypeScript files, ${values.edits} edits (+${values.warmup} warm-up), typescript-language-server`,
    `command: ${env.command}`,
    `node ${env.node}, ${env.platform}, ${env.cpu}, ${env.cores} cores`,
    '',
    `first diagnostics after start: ${formatMs(firstReportMs / 1000)} s`,
    '',
    formatTable(
      ['save → updated', 'p50 ms', 'p95 ms', 'max ms'],
      [
        ['new type error', results.errorAppearsMs],
        ['error fixed', results.errorClearsMs],
      ].map(([label, s]) => {
        const { p50, p95, max } = /** @type {{p50: number, p95: number, max: number}} */ (s);
        return [/** @type {string} */ (label), formatMs(p50), formatMs(p95), formatMs(max)];
      }),
    ),
  ];
  if (load) {
    const cores = (/** @type {number | null} */ n) => (n === null ? '?' : n.toFixed(2));
    lines.push(
      '',
      `cores used during the measured edits: sidecar ${cores(load.sidecarCores)}, ` +
        `language servers ${cores(load.serverCores)}, this client ${cores(load.benchCores)}, ` +
        `other processes ${cores(load.otherCores)}`,
    );
  }
  if (tree) {
    const servers = tree.below.reduce((sum, p) => sum + p.rss, 0);
    lines.push(
      '',
      formatTable(
        ['memory (RSS)', 'MB'],
        [
          ['sidecar', mb(tree.root.rss)],
          ...tree.below.map(({ name, rss }) => [`  ${name}`, mb(rss)]),
          [`language servers (${tree.below.length} processes)`, mb(servers)],
          ['total', mb(tree.root.rss + servers)],
        ],
      ),
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * The dependency-graph benchmark: tsc --noEmit and tsc --watch first, then the sidecar.
 *
 * @param {Record<keyof typeof FLAGS, number>} values
 * @param {boolean} json
 */
async function graphMain(values, json) {
  const timeoutMs = values.timeout * 1000;
  const root = await mkdtemp(join(tmpdir(), 'sidecar-bench-graph-'));
  const runtimeDir = await mkdtemp(join(tmpdir(), 'sidecar-bench-runtime-'));
  const cacheDir = await mkdtemp(join(tmpdir(), 'sidecar-bench-cache-'));
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let server;
  /** @type {WebSocket | undefined} */
  let socket;
  const log = (/** @type {string} */ line) => json || process.stderr.write(`${line}\n`);
  try {
    await graph.generateGraph(root, values.dependents);
    const tsc = await graph.tscOnce(root);
    log(`tsc --noEmit: ${Math.round(tsc.wallMs)} ms, peak ${Math.round(tsc.peakRss / 2 ** 20)} MB`);
    const watchRechecks = await graph.tscWatch(root, values['dependent-saves'], timeoutMs);
    log(`tsc --watch recheck p50: ${Math.round(graph.percentiles(watchRechecks).p50)} ms`);

    const startedAt = performance.now();
    server = spawn(
      process.execPath,
      [CLI, 'serve', '--root', root, '--port', '0', '--token', TOKEN, '--log-level', 'warn'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, XDG_RUNTIME_DIR: runtimeDir, XDG_CACHE_HOME: cacheDir },
      },
    );
    const peak = graph.samplePeakRss(/** @type {number} */ (server.pid));
    const url = await withTimeout(wsUrlOf(server), timeoutMs, 'for the sidecar to start');
    const client = await withTimeout(
      connect(url, new Set([graph.SEEDED, graph.EDITED, graph.DEPENDENT])),
      timeoutMs,
      'to connect',
    );
    socket = client.socket;
    const firstSeeded = client.updated(graph.SEEDED, (errors) => errors > 0);
    client.subscribe();
    await withTimeout(firstSeeded, timeoutMs, 'for the first report');
    const firstReportMs = performance.now() - startedAt;
    const first = await client.request('diagnostics.wait', { timeoutMs });
    const firstSettledMs = performance.now() - startedAt;
    log(
      `first report ${Math.round(firstReportMs)} ms, settled ${Math.round(firstSettledMs)} ms (${first.settled})`,
    );

    // The edited file: a new error, then its fix.
    const appear = [];
    for (let i = 0; i < values.warmup + values.edits; i++) {
      const broken = performance.now();
      const sawError = client.updated(graph.EDITED, (errors) => errors > 0);
      await writeFile(join(root, graph.EDITED), graph.editedFile(i, true));
      await withTimeout(sawError, timeoutMs, `for edit ${i}'s error`);
      if (i >= values.warmup) appear.push(performance.now() - broken);
      const sawClear = client.updated(graph.EDITED, (errors) => errors === 0);
      await writeFile(join(root, graph.EDITED), graph.editedFile(i, false));
      await withTimeout(sawClear, timeoutMs, `for edit ${i}'s fix`);
    }
    log(`edited file p50 ${Math.round(graph.percentiles(appear).p50)} ms`);

    // A dependent: each save of the core module gives it a new error; then diagnostics.wait.
    const dependent = [];
    const waitAfterLast = [];
    let version = 1;
    for (let i = 0; i < values['dependent-saves']; i++) {
      const v = ++version;
      const saw = client.updated(graph.DEPENDENT, (_, messages) =>
        messages.some((m) => m.includes(`"v${v}"`)),
      );
      const saved = performance.now();
      await writeFile(join(root, graph.CORE), graph.coreFile(v));
      const waited = client.request('diagnostics.wait', { files: [graph.DEPENDENT], timeoutMs });
      await withTimeout(saw, timeoutMs, `for save ${i}'s dependent error`);
      dependent.push(performance.now() - saved);
      await waited;
      waitAfterLast.push(performance.now() - (client.lastAt.get(graph.DEPENDENT) ?? 0));
    }
    log(`dependent p50 ${Math.round(graph.percentiles(dependent).p50)} ms`);

    // Saving every 2 s: each save's dependent update, or none (superseded by a later one).
    /** @type {(number | null)[]} */
    const burst = [];
    const burstSaves = Math.floor(values['burst-seconds'] / 2);
    const pendingBurst = [];
    for (let i = 0; i < burstSaves; i++) {
      const v = ++version;
      const index = burst.push(null) - 1;
      const saved = performance.now();
      const saw = client.updated(graph.DEPENDENT, (_, messages) =>
        messages.some((m) => m.includes(`"v${v}"`)),
      );
      pendingBurst.push(
        saw.then(() => {
          burst[index] = performance.now() - saved;
        }),
      );
      await writeFile(join(root, graph.CORE), graph.coreFile(v));
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    await Promise.race([
      Promise.all(pendingBurst),
      new Promise((resolve) => setTimeout(resolve, 10_000)),
    ]);
    const peakRss = peak.stop();
    const tree = server.pid === undefined ? undefined : processTree(server.pid);
    if (client.unexpected.size > 0) {
      throw new Error(`generated files with type errors: ${[...client.unexpected].join(', ')}`);
    }
    const results = {
      settings: values,
      environment: environment(),
      tscNoEmit: tsc,
      tscWatchRecheckMs: graph.percentiles(watchRechecks),
      firstReportMs,
      firstSettledMs,
      editedFileMs: graph.percentiles(appear),
      dependentMs: graph.percentiles(dependent),
      dependentToWatchRatio:
        graph.percentiles(dependent).p50 / graph.percentiles(watchRechecks).p50,
      waitAfterLastUpdatedMs: graph.percentiles(waitAfterLast),
      burst: {
        saves: burst.length,
        arrived: burst.filter((ms) => ms !== null).length,
        within5s: burst.filter((ms) => ms !== null && ms <= 5000).length,
        maxMs: Math.max(...burst.map((ms) => ms ?? Number.POSITIVE_INFINITY)),
      },
      peakRss,
      peakRssRatio: peakRss / tsc.peakRss,
      processes: tree,
    };
    if (json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    else reportGraph(results);
  } finally {
    socket?.close();
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server?.once('exit', resolve));
      server.kill('SIGTERM');
      await withTimeout(exited, 30_000, 'for the sidecar to exit').catch(() =>
        server?.kill('SIGKILL'),
      );
    }
    await rm(root, { recursive: true, force: true });
    await rm(runtimeDir, { recursive: true, force: true });
    await rm(cacheDir, { recursive: true, force: true });
  }
}

/** @param {any} r */
function reportGraph(r) {
  const ms = (/** @type {number} */ n) => formatMs(n);
  const mb = (/** @type {number} */ bytes) => `${formatCount(bytes / (1024 * 1024))} MB`;
  const row = (/** @type {string} */ label, /** @type {any} */ s) => [
    label,
    ms(s.p50),
    ms(s.p95),
    ms(s.max),
  ];
  const lines = [
    `diagnostics, dependency graph: a core module imported by ${formatCount(r.settings.dependents)} files in 4 packages (a tsconfig.json in each of the 5 packages and one at the root), validation on`,
    `command: ${r.environment.command}`,
    `node ${r.environment.node}, ${r.environment.platform}, ${r.environment.cpu}, ${r.environment.cores} cores`,
    '',
    `tsc --noEmit: ${ms(r.tscNoEmit.wallMs)} ms, peak RSS ${mb(r.tscNoEmit.peakRss)}`,
    `first report ${ms(r.firstReportMs)} ms, first full picture (diagnostics.wait settled) ${ms(r.firstSettledMs)} ms = ${(r.firstSettledMs / r.tscNoEmit.wallMs).toFixed(2)}× tsc --noEmit`,
    '',
    formatTable(
      ['save → updated', 'p50 ms', 'p95 ms', 'max ms'],
      [
        row('edited file, new error', r.editedFileMs),
        row('dependent of the core module', r.dependentMs),
        row('tsc --watch recheck (same saves)', r.tscWatchRecheckMs),
        row('diagnostics.wait after last updated', r.waitAfterLastUpdatedMs),
      ],
    ),
    '',
    `dependent / tsc --watch (p50): ${r.dependentToWatchRatio.toFixed(2)}×`,
    `saving every 2 s: ${r.burst.arrived} of ${r.burst.saves} saves' dependent updates arrived, ${r.burst.within5s} within 5 s (max ${ms(r.burst.maxMs)} ms)`,
    `peak RSS of the process tree: ${mb(r.peakRss)} = ${r.peakRssRatio.toFixed(2)}× tsc --noEmit`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
