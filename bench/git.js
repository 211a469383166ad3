// @ts-check
/**
 * Git benchmark: a generated repository of 20,000 files with two branches, a sidecar following
 * it (the `files` and `git` sources from `dist/`; run `npm run build` first), and a WebSocket
 * client subscribed to `git`. Each run checks out the other branch with the real git and
 * measures the time from the start of `git checkout` to the `branch` event and to the `status`
 * event of the new branch, and how many `git` processes the sidecar started for it (counted by
 * a `git` shim put first on the sidecar's PATH; the benchmark's own git commands bypass it).
 * It also reports the most git processes that ran at once and the event loop's delay, to show
 * that a big status neither piles up nor blocks. Results and method: docs/performance.md.
 *
 *   npm run build && node bench/git.js [--files 20000] [--changed 2000] [--runs 4] [--json]
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { createFilesSource, createGitSource, startSidecar } from '../dist/index.js';
import {
  createBenchRepository,
  findExecutable,
  readGitLog,
  runGit,
  writeGitShim,
} from './git-fixture.js';
import { withTimeout } from './lib/async.js';
import { environment, helpText, parseFlags, runBenchmark, UsageError } from './lib/cli.js';
import { cpuSince, cpuSnapshot } from './lib/cpu.js';
import { formatTable, median } from './lib/stats.js';

const FLAGS = {
  files: { description: 'files in the repository', default: 20_000, min: 100, max: 500_000 },
  changed: {
    description: 'files whose content differs between the branches',
    default: 2000,
    min: 1,
    max: 500_000,
  },
  runs: { description: 'checkouts, alternating between the branches', default: 4, min: 1, max: 50 },
  settle: {
    description: 'ms without a new git process before a run counts as over',
    default: 2000,
    min: 100,
    max: 60_000,
  },
  timeout: { description: 'seconds any single wait may take', default: 120, min: 1, max: 3600 },
};

const CHOICES = {
  sources: {
    description: 'sources the sidecar runs; `git` alone shows what the git source costs by itself',
    choices: ['files+git', 'git'],
  },
};

/** How long the machine's load is sampled before each checkout. */
const OTHER_LOAD_SAMPLE_MS = 1000;

await runBenchmark(main);

async function main() {
  const {
    values: settings,
    choices,
    json,
    help,
  } = parseFlags(process.argv.slice(2), FLAGS, CHOICES);
  if (help) {
    process.stdout.write(`${helpText('node bench/git.js [options]', FLAGS, CHOICES)}\n`);
    return;
  }
  if (settings.changed > settings.files) throw new UsageError('--changed must not exceed --files');
  const timeoutMs = settings.timeout * 1000;
  const env = environment();
  const realGit = findExecutable('git');
  const tmp = await mkdtemp(join(tmpdir(), 'sidecar-bench-git-'));
  /** @type {Array<() => Promise<unknown>>} */
  const cleanups = [() => rm(tmp, { recursive: true, force: true })];
  try {
    const repo = join(tmp, 'repo');
    const logFile = join(tmp, 'git-calls.log');
    progress(`generating ${settings.files} files in ${repo}…`);
    let started = performance.now();
    await createBenchRepository({ dir: repo, ...settings, realGit });
    const generatedMs = performance.now() - started;

    started = performance.now();
    await runGit(realGit, repo, ['--no-optional-locks', 'status', '--porcelain=v2', '-z']);
    const directStatusMs = performance.now() - started;

    // Only the sidecar's git goes through the shim: the benchmark calls the real git by path.
    await writeGitShim(join(tmp, 'bin'), realGit, logFile);
    process.env.PATH = `${join(tmp, 'bin')}${delimiter}${process.env.PATH ?? ''}`;

    progress('starting the sidecar (initial scan and status)…');
    started = performance.now();
    const sidecar = await withTimeout(
      startSidecar({
        root: repo,
        port: 0,
        logLevel: 'silent',
        sources:
          choices.sources === 'git'
            ? [createGitSource()]
            : [createFilesSource(), createGitSource()],
      }),
      timeoutMs,
      'for the sidecar to start',
    );
    const startupMs = performance.now() - started;
    cleanups.push(() => sidecar.close());
    const startupGit = await readGitLog(logFile, 0);

    const client = await connect(sidecar, timeoutMs);
    cleanups.push(async () => client.socket.close());

    const runs = [];
    for (let run = 0; run < settings.runs; run++) {
      const to = run % 2 === 0 ? 'other' : 'main';
      const from = to === 'other' ? 'main' : 'other';
      await settle(logFile, settings.settle, timeoutMs);
      runs.push(
        await measureCheckout({ from, to, repo, realGit, logFile, client, settings, timeoutMs }),
      );
      progress(`run ${run + 1}/${settings.runs}: ${JSON.stringify(runs.at(-1))}`);
    }

    const summary = {
      checkoutMs: round(median(runs.map((r) => r.checkoutMs))),
      branchEventMs: round(median(runs.map((r) => r.branchEventMs))),
      statusEventMs: round(median(runs.map((r) => r.statusEventMs))),
      afterCheckoutMs: round(median(runs.map((r) => r.afterCheckoutMs))),
      gitProcesses: median(runs.map((r) => r.gitProcesses)),
      maxConcurrentGit: Math.max(...runs.map((r) => r.maxConcurrentGit)),
      eventLoopMaxMs: round(median(runs.map((r) => r.eventLoopMaxMs))),
    };
    const report = {
      benchmark: 'git',
      environment: env,
      settings: { ...settings, ...choices },
      generatedMs: Math.round(generatedMs),
      directStatusMs: round(directStatusMs),
      startupMs: Math.round(startupMs),
      startupGit: { started: startupGit.started, byCommand: startupGit.byCommand },
      summary,
      runs,
    };
    process.stdout.write(
      json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`,
    );
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await withTimeout(cleanup(), timeoutMs, 'for cleanup').catch((error) =>
        process.stderr.write(`cleanup: ${error.message}\n`),
      );
    }
  }
}

/**
 * One `git checkout`, timed from its start to the `branch` and `status` events.
 *
 * @param {{ from: string, to: string, repo: string, realGit: string, logFile: string,
 *   client: Awaited<ReturnType<typeof connect>>, settings: Record<keyof typeof FLAGS, number>,
 *   timeoutMs: number }} job
 */
async function measureCheckout({ from, to, repo, realGit, logFile, client, settings, timeoutMs }) {
  // What the rest of the machine used just before: a busy machine slows git and the sidecar.
  const idle = cpuSnapshot();
  await new Promise((resolve) => setTimeout(resolve, OTHER_LOAD_SAMPLE_MS));
  const otherLoad = cpuSince(idle).otherCores;
  const logOffset = (await stat(logFile)).size;
  const firstEvent = client.events.length;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const startedAt = performance.now();
  await runGit(realGit, repo, ['checkout', '-q', to]);
  const checkoutMs = performance.now() - startedAt;
  const newEvents = () => client.events.slice(firstEvent);
  const statusEvent = await withTimeout(
    client.waitFor(() =>
      newEvents().find((e) => e.event === 'status' && /** @type {any} */ (e.data).branch === to),
    ),
    timeoutMs,
    `for the status of ${to}`,
  );
  await settle(logFile, settings.settle, timeoutMs);
  loop.disable();
  const branchEvent = newEvents().find((e) => e.event === 'branch');
  const git = await readGitLog(logFile, logOffset);
  return {
    checkout: `${from} → ${to}`,
    checkoutMs: round(checkoutMs),
    branchEventMs: branchEvent ? round(branchEvent.at - startedAt) : Number.NaN,
    statusEventMs: round(statusEvent.at - startedAt),
    afterCheckoutMs: round(statusEvent.at - startedAt - checkoutMs),
    gitEvents: newEvents()
      .map((e) => e.event)
      .join(','),
    gitProcesses: git.started,
    byCommand: git.byCommand,
    maxConcurrentGit: git.maxConcurrent,
    eventLoopMaxMs: round(loop.max / 1e6),
    otherLoad: otherLoad === null ? null : Math.round(otherLoad * 100) / 100,
  };
}

/**
 * Resolves once the shim log has not grown for `quietMs` and no git process is running.
 *
 * @param {string} logFile
 * @param {number} quietMs
 * @param {number} timeoutMs
 */
async function settle(logFile, quietMs, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let size = -1;
  let quietSince = Date.now();
  for (;;) {
    const current = (await stat(logFile)).size;
    if (current !== size) {
      size = current;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= quietMs && (await readGitLog(logFile, 0)).running === 0) {
      return;
    }
    if (Date.now() > deadline) throw new Error('timed out waiting for git processes to settle');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A WebSocket client subscribed to `git` that records each event with its arrival time.
 *
 * @param {import('../dist/index.js').Sidecar} sidecar
 * @param {number} timeoutMs
 */
async function connect(sidecar, timeoutMs) {
  const socket = new WebSocket(sidecar.wsUrl, {
    headers: { authorization: `Bearer ${sidecar.token}` },
  });
  /** @type {{ event: string, data: unknown, at: number }[]} */
  const events = [];
  /** @type {Set<() => void>} */
  const waiters = new Set();
  socket.on('message', (raw) => {
    const at = performance.now();
    const message = JSON.parse(raw.toString());
    if (message.type === 'event' && message.channel === 'git') {
      events.push({ event: message.event, data: message.data, at });
    }
    for (const wake of waiters) wake();
  });
  await withTimeout(
    new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    }),
    timeoutMs,
    'for the client to connect',
  );
  socket.send(JSON.stringify({ type: 'subscribe', channels: ['git'] }));
  return {
    socket,
    events,
    /**
     * @template T
     * @param {() => T | undefined} find
     * @returns {Promise<T>}
     */
    waitFor(find) {
      return new Promise((resolve) => {
        const check = () => {
          const found = find();
          if (found === undefined) return;
          waiters.delete(check);
          resolve(found);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** @param {any} report */
function formatReport(report) {
  const { environment: env, settings, summary } = report;
  const lines = [
    `git: ${settings.files} files, ${settings.changed} differ between the branches, ${settings.runs} checkout(s), sources ${settings.sources}`,
    `command: ${env.command}`,
    `node ${env.node} (V8 ${env.v8}), ${env.platform}, ${env.cpu}, ${env.cores} cores`,
    '',
    `repository generated in ${report.generatedMs} ms; one \`git status\` run directly: ${report.directStatusMs} ms`,
    `sidecar start (initial scan and first status): ${report.startupMs} ms, git processes: ${report.startupGit.started} ${JSON.stringify(report.startupGit.byCommand)}`,
    '',
    formatTable(
      [
        'checkout',
        'git checkout ms',
        'branch event ms',
        'status event ms',
        'after checkout ms',
        'git events',
        'git processes',
        'max at once',
        'event loop max ms',
        'other load',
      ],
      report.runs.map((/** @type {any} */ run) => [
        run.checkout,
        String(run.checkoutMs),
        String(run.branchEventMs),
        String(run.statusEventMs),
        String(run.afterCheckoutMs),
        run.gitEvents,
        `${run.gitProcesses} ${JSON.stringify(run.byCommand)}`,
        String(run.maxConcurrentGit),
        String(run.eventLoopMaxMs),
        String(run.otherLoad ?? 'n/a'),
      ]),
    ),
    '',
    'other load: cores the rest of the machine used in the second before each checkout (above ~0.2, the run was disturbed)',
    `median: branch event ${summary.branchEventMs} ms, status event ${summary.statusEventMs} ms after the checkout began (git checkout itself: ${summary.checkoutMs} ms; status ${summary.afterCheckoutMs} ms after it ended); ${summary.gitProcesses} git processes per checkout, at most ${summary.maxConcurrentGit} at once; event loop max delay ${summary.eventLoopMaxMs} ms`,
  ];
  return lines.join('\n');
}

/** @param {number} ms */
function round(ms) {
  return Math.round(ms * 10) / 10;
}

/** @param {string} line */
function progress(line) {
  process.stderr.write(`${line}\n`);
}
