// @ts-check
/**
 * Search benchmark: on a generated corpus (50,000 files, ~500 MB by default, in the OS temp
 * folder), the wall time of a few queries for
 *
 *   - `bare rg`: `rg` run directly with the very arguments the sidecar gives it, its JSON
 *     output read and thrown away — the floor;
 *   - `sidecar+rg`: a real sidecar with the default sources (`files` and `search`, ripgrep
 *     engine), in its own process as `npx sidecar serve` runs (bench/search-server.js), and a
 *     WebSocket client in this process, timed from sending `search.start` to receiving
 *     `done`. With the `files` source watching, the search source remembers how many files a
 *     search looks into, so only the first search runs `rg --files` beside `rg`;
 *   - `auto`: a sidecar as `npx sidecar serve` runs it (`files`, and `search` with engine
 *     `auto`: the built-in engine for workspaces of at most 1,000 files, ripgrep above);
 *   - `counting`: the same as `sidecar+rg` without the `files` source, so every search also
 *     counts the files with `rg --files`, running beside the search;
 *   - `built-in`: the same through a sidecar forced to the built-in engine (worker threads).
 *
 * Each query runs `--runs` times per target, targets taking turns, and the median is
 * reported, with the CPU the rest of the machine used meanwhile (a loaded machine slows every
 * target). Aims: sidecar+rg within 1.2× of bare rg; auto within 1.3×; built-in within 3×.
 * Results and method: docs/performance.md.
 *
 *   npm run build && node bench/search.js [--files 50000] [--file-bytes 10000] [--runs 5]
 *     [--corpus fresh|keep] [--root DIR] [--json]             (--help lists every flag)
 *
 * `--root DIR` searches a tree of one's own (a clone of a real repository) instead of the
 * generated corpus, with queries any code base answers (`TODO`, `import`, a regex, globs).
 *
 * `--corpus keep` leaves the corpus in the temp folder and reuses it next time (generating it
 * takes about a minute); `fresh` (the default) generates it and deletes it afterwards.
 */
import { fork, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { planQuery } from '../dist/sources/search/query-plan.js';
import { ripgrepArgs } from '../dist/sources/search/ripgrep-engine.js';
import { searchStartParams } from '../dist/sources/search/search-params.js';
import { withTimeout } from './lib/async.js';
import { environment, helpText, parseFlags, runBenchmark, UsageError } from './lib/cli.js';
import { writeCorpus } from './lib/corpus.js';
import { cpuSince, cpuSnapshot } from './lib/cpu.js';
import { formatTable, median } from './lib/stats.js';

const AIM = { sidecarRg: 1.2, auto: 1.3, builtin: 3 };
const verdict = (/** @type {number} */ ratio, /** @type {number} */ aim) =>
  `${ratio <= aim ? 'meets' : 'misses'} the ${aim}× aim`;
const MAX_FILE_SIZE = 16 * 1024 * 1024;
/** The most results a search may ask for: a query that finds more is not measured. */
const MAX_RESULTS = 20_000;
const SEARCH_TIMEOUT_MS = 10 * 60_000;

const FLAGS = {
  files: { description: 'files in the corpus', default: 50_000, min: 10, max: 1_000_000 },
  'file-bytes': {
    description: 'bytes per file, about',
    default: 10_000,
    min: 100,
    max: 10_000_000,
  },
  runs: { description: 'runs per query and target (median reported)', default: 5, min: 1, max: 50 },
};
const CHOICES = {
  corpus: {
    description: 'delete the corpus afterwards, or keep it for next time',
    choices: ['fresh', 'keep'],
  },
};

const TEXTS = {
  root: {
    description: 'search this tree (a real repository) instead of a generated corpus',
    placeholder: 'DIR',
  },
};

/** @typedef {{ label: string, params: Record<string, unknown> }} Query */

/**
 * Queries with results under maxResults, so every target does the whole search: a few results,
 * then thousands (what streaming and batching cost), then globs (which rg applies itself).
 * @type {[Query, ...Query[]]}
 */
const QUERIES = [
  { label: 'literal', params: { query: 'quartzneedle', caseSensitive: true } },
  { label: 'literal, any case', params: { query: 'quartzneedle' } },
  { label: 'regex with a literal', params: { query: '\\w+needle\\d+', regex: true } },
  { label: 'regex, alternation', params: { query: 'quartzneedle|amberneedle', regex: true } },
  // No text every match holds: the built-in engine decodes and scans every file.
  {
    label: 'regex, no literal',
    params: { query: 'q[a-z]{5}n[a-z]{5}[0-9]+7', regex: true, caseSensitive: true },
  },
  { label: 'literal, thousands of results', params: { query: 'TODO', caseSensitive: true } },
  {
    label: 'literal, include and exclude globs',
    params: { query: 'todo', include: ['*.ts', '*.md'], exclude: ['p1*/'] },
  },
];

/**
 * Queries for a real code base (`--root`): few results, many, a regex, and globs.
 * @type {[Query, ...Query[]]}
 */
const CODE_QUERIES = [
  { label: 'TODO', params: { query: 'TODO', caseSensitive: true } },
  { label: 'import', params: { query: 'import', caseSensitive: true } },
  { label: 'regex function \\w+\\(', params: { query: 'function \\w+\\(', regex: true } },
  {
    label: 'export, in *.ts, not **/test/**',
    params: { query: 'export', caseSensitive: true, include: ['*.ts'], exclude: ['**/test/**'] },
  },
];

const SERVER_SCRIPT = new URL('./search-server.js', import.meta.url);

/**
 * CPU time, in milliseconds, from `/proc/<pid>/stat` (Linux; null elsewhere): the process's
 * finished children (`self`: the bare rg processes), or a sidecar's own time and its finished
 * children's, with its live children's (its spawner process, which starts its rg processes).
 *
 * @param {number | 'self'} pid
 * @returns {number | null}
 */
function cpuMsOf(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text
      .slice(text.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    // utime, stime, cutime and cstime are fields 14 to 17, in ticks of 10 ms.
    const [utime = 0, stime = 0, cutime = 0, cstime = 0] = fields.slice(11, 15);
    if (pid === 'self') return (cutime + cstime) * 10;
    return (
      (utime + stime + cutime + cstime) * 10 +
      liveChildren(pid).reduce((sum, child) => sum + (cpuMsOf(child) ?? 0), 0)
    );
  } catch {
    return null;
  }
}

/** @param {number} pid @returns {number[]} */
function liveChildren(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return text === '' ? [] : text.split(' ').map(Number);
  } catch {
    return [];
  }
}

/**
 * Starts a sidecar of `kind` in its own process (bench/search-server.js).
 *
 * @param {string} root
 * @param {'auto' | 'rg' | 'rg-counting' | 'builtin'} kind
 * @returns {Promise<{ wsUrl: string, token: string | null, pid: number, close(): Promise<void> }>}
 */
async function startServer(root, kind) {
  const child = fork(SERVER_SCRIPT, [root, kind], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const listening = new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`the ${kind} sidecar exited with ${code}`)));
  });
  const { wsUrl, token } = /** @type {any} */ (
    await withTimeout(listening, 60_000, `the ${kind} sidecar to listen`)
  );
  return {
    wsUrl,
    token,
    pid: /** @type {number} */ (child.pid),
    async close() {
      if (child.exitCode === null) child.send({ type: 'close' });
      await exited;
    },
  };
}

/** @param {string} dir @param {number} files @param {number} fileBytes */
async function prepareCorpus(dir, files, fileBytes) {
  const marker = join(dir, '.corpus.json');
  const wanted = JSON.stringify({ files, fileBytes, seed: 1 });
  if (existsSync(marker) && (await readFile(marker, 'utf8')) === wanted) return false;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeCorpus(dir, { files, fileBytes, seed: 1 });
  await writeFile(marker, wanted);
  return true;
}

/**
 * What the sidecar gives its engine for a search of `raw` params in `root`.
 *
 * @param {string} root
 * @param {Record<string, unknown>} raw
 */
function engineRequest(root, raw) {
  const params = searchStartParams.parse(raw);
  return {
    root,
    plan: planQuery(params),
    include: params.include,
    exclude: params.exclude,
    contextLines: params.contextLines,
    maxFileSize: MAX_FILE_SIZE,
    enoughResults: 0,
  };
}

/**
 * How many files a search of `root` looks into (`rg --files`, as the sidecar counts them).
 *
 * @param {string} root
 * @returns {Promise<number>}
 */
function countFiles(root) {
  const args = ripgrepArgs(engineRequest(root, { query: 'x' }), 'files');
  return new Promise((resolve, reject) => {
    const child = spawn('rg', args, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] });
    let files = 0;
    child.stdout.on('data', (/** @type {Buffer} */ chunk) => {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) files++;
    });
    child.once('error', reject);
    child.once('close', () => resolve(files));
  });
}

/**
 * Runs rg as the sidecar would, reading its output; resolves with the wall time and the
 * number of matching lines.
 *
 * @param {string} root
 * @param {Record<string, unknown>} raw
 */
function bareRipgrep(root, raw) {
  const args = ripgrepArgs(engineRequest(root, raw), 'search');
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('rg', args, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] });
    let count = 0;
    let tail = '';
    child.stdout.on('data', (/** @type {Buffer} */ chunk) => {
      const lines = (tail + chunk.toString('utf8')).split('\n');
      tail = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('{"type":"match"')) count++;
    });
    child.once('error', reject);
    child.once('close', () => resolve({ ms: performance.now() - started, count }));
  });
}

/** How a frame of search results starts (the broadcaster's field order). */
const RESULTS_PREFIX = Buffer.from('{"type":"event","channel":"search","event":"results"');

/**
 * A WebSocket client subscribed to `search`; `search(params)` resolves with the time from
 * sending `search.start` to receiving its `done`, and `done.count`.
 *
 * @param {{ wsUrl: string, token: string | null }} sidecar
 */
async function searchClient(sidecar) {
  const socket = new WebSocket(sidecar.wsUrl, {
    headers: { authorization: `Bearer ${sidecar.token}` },
  });
  /** @type {Map<string, (message: any) => void>} */
  const waiting = new Map();
  socket.on('message', (/** @type {Buffer} */ frame) => {
    // Results are read and thrown away, as bare rg's output is: this client's parsing would
    // take CPU from rg and the sidecar on a small machine, and it is not the sidecar's work.
    if (frame.subarray(0, RESULTS_PREFIX.length).equals(RESULTS_PREFIX)) return;
    const message = JSON.parse(frame.toString());
    const key =
      message.type === 'response'
        ? message.id
        : message.type === 'event' && message.event === 'done'
          ? `done:${message.data.searchId}`
          : null;
    const resolve = key && waiting.get(key);
    if (resolve) {
      waiting.delete(key);
      resolve(message);
    }
  });
  const next = (/** @type {string} */ key) => new Promise((resolve) => waiting.set(key, resolve));
  await withTimeout(new Promise((resolve) => socket.once('open', resolve)), 10_000, 'to connect');
  const subscribed = next('sub');
  socket.send(JSON.stringify({ type: 'subscribe', channel: 'search', id: 'sub' }));
  await subscribed;
  let requests = 0;
  return {
    /** @param {Record<string, unknown>} params */
    async search(params) {
      const id = `r${++requests}`;
      const started = performance.now();
      const answered = next(id);
      socket.send(
        JSON.stringify({
          type: 'request',
          id,
          method: 'search.start',
          params: { ...params, maxResults: MAX_RESULTS },
        }),
      );
      const response = /** @type {any} */ (await answered);
      if (response.error) throw new Error(`search.start failed: ${response.error.message}`);
      const done = /** @type {any} */ (
        await withTimeout(next(`done:${response.result.searchId}`), SEARCH_TIMEOUT_MS, 'for done')
      );
      return {
        ms: performance.now() - started,
        count: done.data.count,
        truncated: done.data.truncated,
      };
    },
    close: () => socket.close(),
  };
}

/** @typedef {Awaited<ReturnType<typeof searchClient>>} SearchClient */

async function main() {
  const usage = 'node bench/search.js [options]';
  const { values, choices, texts, json, help } = parseFlags(
    process.argv.slice(2),
    FLAGS,
    CHOICES,
    TEXTS,
  );
  if (help) {
    process.stdout.write(`${helpText(usage, FLAGS, CHOICES, TEXTS)}\n`);
    return;
  }
  const files = values.files;
  const fileBytes = values['file-bytes'];
  // Relative to where the command was typed, also through `npm run` (which sets INIT_CWD).
  const ownTree =
    texts.root === undefined ? null : resolvePath(process.env.INIT_CWD ?? '', texts.root);
  if (ownTree !== null && !(await stat(ownTree).catch(() => null))?.isDirectory()) {
    throw new UsageError(`invalid --root ${JSON.stringify(texts.root)}: not a folder`);
  }
  const keep = ownTree !== null || choices.corpus === 'keep';
  const root =
    ownTree ??
    (keep
      ? join(tmpdir(), `sidecar-search-corpus-${files}x${fileBytes}`)
      : await mkdtemp(join(tmpdir(), 'sidecar-search-corpus-')));
  const queries = ownTree === null ? QUERIES : CODE_QUERIES;
  const log = (/** @type {string} */ line) => json || process.stderr.write(`${line}\n`);

  /** @type {Awaited<ReturnType<typeof startServer>>[]} */
  const sidecars = [];
  try {
    if (ownTree === null) {
      const generationStarted = performance.now();
      const generated = await prepareCorpus(root, files, fileBytes);
      log(
        generated
          ? `corpus: ${files} files generated in ${Math.round((performance.now() - generationStarted) / 1000)} s`
          : `corpus: reusing ${root}`,
      );
    }
    // Warm the page cache, so no target pays for the first read of the corpus.
    await bareRipgrep(root, queries[0].params);
    await bareRipgrep(root, queries[0].params);
    const corpus =
      ownTree === null
        ? `corpus: ${files} files × ~${fileBytes} bytes`
        : `tree: ${texts.root} (${await countFiles(root)} files searched)`;

    log('starting sidecars (the files source scans the corpus first)');
    /** @param {'auto' | 'rg' | 'rg-counting' | 'builtin'} kind */
    const clientOf = async (kind) => {
      const sidecar = await startServer(root, kind);
      sidecars.push(sidecar);
      return searchClient(sidecar);
    };
    /** @type {[SearchClient, SearchClient, SearchClient, SearchClient]} */
    const clients = [
      await clientOf('rg'),
      await clientOf('rg-counting'),
      await clientOf('builtin'),
      await clientOf('auto'),
    ];
    /** CPU of the benchmark's children: bare rg processes and the sidecars with theirs. */
    const childrenCpuMs = () => {
      const times = [cpuMsOf('self'), ...sidecars.map(({ pid }) => cpuMsOf(pid))];
      return times.includes(null) ? null : times.reduce((sum, ms) => (sum ?? 0) + (ms ?? 0), 0);
    };
    const [rgClient, countingClient, builtinClient, autoClient] = clients;

    /** @type {Record<string, (params: Record<string, unknown>) => Promise<{ ms: number, count: number }>>} */
    const targets = {
      'bare rg': (params) => bareRipgrep(root, params),
      'sidecar+rg': (params) => rgClient.search(params),
      'sidecar+rg, counting': (params) => countingClient.search(params),
      'built-in': (params) => builtinClient.search(params),
      auto: (params) => autoClient.search(params),
    };
    const names = Object.keys(targets);
    const rows = [];
    for (const { label, params } of queries) {
      // A sidecar would stop at maxResults while bare rg reads on: not the same work.
      const { count: found } = await bareRipgrep(root, params);
      if (found > MAX_RESULTS) {
        log(`${label}: skipped, ${found} results is more than a search returns (${MAX_RESULTS})`);
        continue;
      }
      /** @type {Record<string, number[]>} */
      const times = Object.fromEntries(names.map((name) => [name, []]));
      /** @type {Record<string, number>} */
      const counts = {};
      const otherCores = [];
      for (let run = 0; run < values.runs; run++) {
        // Take turns, starting with a different target each run.
        for (let k = 0; k < names.length; k++) {
          const name = /** @type {string} */ (names[(run + k) % names.length]);
          const before = cpuSnapshot();
          const childrenBefore = childrenCpuMs();
          const { ms, count } = await /** @type {NonNullable<(typeof targets)[string]>} */ (
            targets[name]
          )(params);
          const cpu = cpuSince(before);
          // The rg processes and sidecars are this benchmark's work, not the rest of the machine's.
          const children = childrenCpuMs();
          if (cpu.otherCores !== null && children !== null && childrenBefore !== null) {
            otherCores.push(Math.max(0, cpu.otherCores - (children - childrenBefore) / ms));
          }
          times[name]?.push(ms);
          counts[name] = count;
        }
        log(`${label}: run ${run + 1}/${values.runs}`);
      }
      if (new Set(Object.values(counts)).size !== 1) {
        throw new Error(`${label}: the targets disagree: ${JSON.stringify(counts)}`);
      }
      const medianOf = (/** @type {string} */ name) => median(times[name] ?? []);
      const bare = medianOf('bare rg');
      rows.push({
        query: label,
        params,
        results: counts['bare rg'] ?? 0,
        bareRgMs: Math.round(bare),
        sidecarRgMs: Math.round(medianOf('sidecar+rg')),
        sidecarRgRatio: medianOf('sidecar+rg') / bare,
        countingMs: Math.round(medianOf('sidecar+rg, counting')),
        countingRatio: medianOf('sidecar+rg, counting') / bare,
        builtinMs: Math.round(medianOf('built-in')),
        builtinRatio: medianOf('built-in') / bare,
        autoMs: Math.round(medianOf('auto')),
        autoRatio: medianOf('auto') / bare,
        otherCores: otherCores.length > 0 ? median(otherCores) : null,
      });
    }
    for (const client of clients) client.close();

    const report = { environment: environment(), corpus, aim: AIM, rows };
    if (json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return;
    }
    const table = formatTable(
      [
        'query',
        'results',
        'bare rg ms',
        'sidecar+rg ms',
        '× bare',
        'counting ms',
        '× bare',
        'built-in ms',
        '× bare',
        'auto ms',
        '× bare',
        'other cores',
      ],
      rows.map((row) => [
        row.query,
        String(row.results),
        String(row.bareRgMs),
        String(row.sidecarRgMs),
        row.sidecarRgRatio.toFixed(2),
        String(row.countingMs),
        row.countingRatio.toFixed(2),
        String(row.builtinMs),
        row.builtinRatio.toFixed(2),
        String(row.autoMs),
        row.autoRatio.toFixed(2),
        row.otherCores === null ? 'n/a' : row.otherCores.toFixed(2),
      ]),
    );
    const env = report.environment;
    process.stdout.write(
      [
        `command: ${env.command}`,
        `node ${env.node}, ${env.platform}, ${env.cores} × ${env.cpu}`,
        corpus,
        '',
        table,
        '',
        ...rows.map(
          (row) =>
            `${row.query}: sidecar+rg ${verdict(row.sidecarRgRatio, AIM.sidecarRg)} (counting: ` +
            `${verdict(row.countingRatio, AIM.sidecarRg)}); built-in ${verdict(row.builtinRatio, AIM.builtin)}; ` +
            `auto ${verdict(row.autoRatio, AIM.auto)}`,
        ),
        '',
      ].join('\n'),
    );
  } finally {
    await Promise.all(sidecars.map((sidecar) => sidecar.close()));
    if (!keep) await rm(root, { recursive: true, force: true });
  }
}

await runBenchmark(main);
