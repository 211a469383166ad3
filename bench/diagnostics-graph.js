// @ts-check
/**
 * The dependency-graph part of the diagnostics benchmark (`node bench/diagnostics.js
 * --dependents N`): a generated monorepo — a core module imported by N files spread over four
 * packages, each with its own tsconfig.json, and a root tsconfig.json over all of them — checked
 * by the sidecar (validation on: the workspace has its own `tsc`, so the detected check runs)
 * and, in the same run, by `tsc --noEmit` and `tsc --watch`.
 *
 * Every save of the core module gives one dependent file a new, unique error (`EXPECTED` takes
 * a new value the dependent does not match), so each `updated` can be told apart.
 */
import { spawn } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { withTimeout } from './lib/async.js';
import { processTree } from './lib/processes.js';
import { quantile } from './lib/stats.js';

const REPOSITORY = join(dirname(fileURLToPath(import.meta.url)), '..');
const TSC = join(REPOSITORY, 'node_modules', 'typescript', 'bin', 'tsc');
export const CORE = 'packages/core/src/core.ts';
export const DEPENDENT = 'packages/app3/src/dependent.ts';
export const EDITED = 'packages/app0/src/edited.ts';
export const SEEDED = 'packages/app1/src/seeded.ts';
const APPS = 4;

/** @param {number} version */
export function coreFile(version) {
  return `export interface Item {\n  id: number;\n  name: string;\n}\n\nexport const EXPECTED = 'v${version}' as const;\n\nexport function make(id: number): Item {\n  return { id, name: \`item \${id}\` };\n}\n`;
}

/**
 * @param {string} root
 * @param {number} importers
 */
export async function generateGraph(root, importers) {
  const compilerOptions = { strict: true, target: 'ES2022', module: 'NodeNext', noEmit: true };
  await writeFile(
    join(root, 'tsconfig.json'),
    JSON.stringify({ compilerOptions, include: ['packages'] }),
  );
  await writeFile(join(root, '.gitignore'), 'node_modules\n');
  for (const pkg of ['core', ...Array.from({ length: APPS }, (_, i) => `app${i}`)]) {
    await mkdir(join(root, 'packages', pkg, 'src'), { recursive: true });
    await writeFile(
      join(root, 'packages', pkg, 'tsconfig.json'),
      JSON.stringify({ extends: '../../tsconfig.json', include: ['src'] }),
    );
  }
  await writeFile(join(root, CORE), coreFile(0));
  const writes = [];
  for (let i = 0; i < importers; i++) {
    const app = i % APPS;
    const text = `import { type Item, make } from '../../core/src/core.js';\n\nexport interface Item${i} extends Item {\n  tag${i}: string;\n}\n\nexport function make${i}(id: number): Item${i} {\n  return { ...make(id), tag${i}: String(id) };\n}\n\nexport const sample${i}: number = make${i}(${i}).id + make${i}(${i}).tag${i}.length;\n`;
    writes.push(writeFile(join(root, 'packages', `app${app}`, 'src', `m${i}.ts`), text));
  }
  await Promise.all(writes);
  await writeFile(
    join(root, DEPENDENT),
    `import { EXPECTED } from '../../core/src/core.js';\n\nexport const matches: typeof EXPECTED = 'v0';\n`,
  );
  await writeFile(join(root, SEEDED), `export const seeded: number = 'not a number';\n`);
  await writeFile(join(root, EDITED), editedFile(-1, false));
  // The workspace's own TypeScript, so validation detects and runs `tsc`.
  await mkdir(join(root, 'node_modules', '.bin'), { recursive: true });
  await symlink(
    join(REPOSITORY, 'node_modules', 'typescript'),
    join(root, 'node_modules', 'typescript'),
  );
  await symlink('../typescript/bin/tsc', join(root, 'node_modules', '.bin', 'tsc'));
}

/**
 * @param {number} edit
 * @param {boolean} broken
 */
export function editedFile(edit, broken) {
  const wrong = broken ? `export const wrong${edit}: number = 'edit ${edit}';\n` : '';
  return `import { make } from '../../core/src/core.js';\n\nexport const first = make(${edit + 1});\n${wrong}`;
}

/**
 * `tsc --noEmit` once: wall time and peak RSS (from GNU time).
 *
 * @param {string} root
 */
export async function tscOnce(root) {
  const started = performance.now();
  const stderr = await new Promise((resolve, reject) => {
    const child = spawn(
      '/usr/bin/time',
      ['-f', 'peak %M', process.execPath, TSC, '--noEmit', '-p', root],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let err = '';
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.once('error', reject);
    child.once('exit', () => resolve(err));
  });
  const wallMs = performance.now() - started;
  const peak = /peak (\d+)/.exec(/** @type {string} */ (stderr));
  return { wallMs, peakRss: peak ? Number(peak[1]) * 1024 : Number.NaN };
}

/**
 * `tsc --watch`: after its first check, `saves` saves of the core module, each timed from the
 * write to the end of its recheck ("Found N errors. Watching for file changes.").
 *
 * @param {string} root
 * @param {number} saves
 * @param {number} timeoutMs
 */
export async function tscWatch(root, saves, timeoutMs) {
  const child = spawn(
    process.execPath,
    [TSC, '--watch', '--noEmit', '--preserveWatchOutput', '-p', root],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  /** @type {(() => void) | undefined} */
  let onCheckEnd;
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
    const lines = out.split('\n');
    out = lines.pop() ?? '';
    for (const line of lines) if (/Watching for file changes/.test(line)) onCheckEnd?.();
  });
  const checkEnd = () =>
    new Promise((resolve) => {
      onCheckEnd = () => resolve(undefined);
    });
  const rechecks = [];
  try {
    await withTimeout(checkEnd(), timeoutMs, 'for tsc --watch to start');
    for (let i = 1; i <= saves; i++) {
      const ended = checkEnd();
      const started = performance.now();
      await writeFile(join(root, CORE), coreFile(1000 + i));
      await withTimeout(ended, timeoutMs, 'for tsc --watch to recheck');
      rechecks.push(performance.now() - started);
    }
  } finally {
    child.kill('SIGTERM');
  }
  await writeFile(join(root, CORE), coreFile(0));
  return rechecks;
}

/**
 * Peak RSS of a process tree, sampled every 250 ms until `stop()`.
 *
 * @param {number} pid
 */
export function samplePeakRss(pid) {
  let peak = 0;
  const sample = () => {
    const tree = processTree(pid);
    if (!tree) return;
    peak = Math.max(peak, tree.root.rss + tree.below.reduce((sum, p) => sum + p.rss, 0));
  };
  const timer = setInterval(sample, 250);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

/** @param {number[]} list */
export function percentiles(list) {
  const s = [...list].sort((a, b) => a - b);
  return { p50: quantile(s, 0.5), p95: quantile(s, 0.95), max: s.at(-1) ?? Number.NaN };
}
