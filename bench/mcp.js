// @ts-check
/**
 * MCP benchmark: the edit → check loop of a coding agent. On a generated TypeScript project
 * (default 200 files), how long from writing a file with a new type error to the answer of
 * `wait_for_diagnostics` that lists it (and from writing the fix to the answer without it),
 * compared in the same run with what an agent does without the sidecar: `tsc --noEmit` on
 * the same project after the same edit.
 *
 * It launches the real CLI (`node bin/sidecar.js mcp`, so `npm run build` first) with the MCP
 * SDK's stdio client, as an agent does; the sidecar it starts uses the built-in TypeScript
 * server. The project is made in the OS temp folder and deleted afterwards.
 *
 *   npm run build && node bench/mcp.js [--files 200] [--edits 20] [--json]
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { withTimeout } from './lib/async.js';
import { EDITED, editedFile, generateChainedProject, SEEDED } from './lib/chained-project.js';
import { environment, helpText, parseFlags, runBenchmark } from './lib/cli.js';
import { formatMs, formatTable, quantile } from './lib/stats.js';

const FLAGS = {
  files: { description: 'TypeScript files in the project', default: 200, min: 10, max: 20_000 },
  edits: { description: 'measured edits (each: break, then fix)', default: 20, min: 1, max: 1000 },
  warmup: { description: 'edits before measuring, not counted', default: 3, min: 0, max: 100 },
  tsc: { description: 'measured tsc --noEmit runs', default: 10, min: 1, max: 1000 },
  timeout: { description: 'seconds any single wait may take', default: 180, min: 1, max: 3600 },
};

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'sidecar.js');
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');
/** Files per folder; each imports the one before it, so edits have dependents to recheck. */
const FOLDER_SIZE = 50;

await runBenchmark(main);

async function main() {
  const { values, json, help } = parseFlags(process.argv.slice(2), FLAGS);
  if (help) {
    process.stdout.write(`${helpText('node bench/mcp.js [options]', FLAGS)}\n`);
    return;
  }
  const timeoutMs = values.timeout * 1000;
  const root = await mkdtemp(join(tmpdir(), 'sidecar-bench-mcp-'));
  const runtimeDir = await mkdtemp(join(tmpdir(), 'sidecar-bench-runtime-'));
  const client = new Client({ name: 'bench', version: '1.0.0' });
  try {
    await generateChainedProject(root, values.files, { folderSize: FOLDER_SIZE });
    const startedAt = performance.now();
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI, 'mcp'],
      cwd: root,
      env: /** @type {Record<string, string>} */ ({
        ...process.env,
        XDG_RUNTIME_DIR: runtimeDir,
        SIDECAR_PORT: '0',
      }),
      stderr: 'inherit',
    });
    await withTimeout(client.connect(transport), timeoutMs, 'for sidecar mcp to start');
    /** Asks until the answer for `file` passes `test`: an agent would ask again too. */
    const answerFor = async (
      /** @type {string} */ file,
      /** @type {(t: string) => boolean} */ test,
    ) => {
      const deadline = Date.now() + timeoutMs;
      let asked = 0;
      for (;;) {
        asked++;
        const result = await client.callTool({
          name: 'wait_for_diagnostics',
          arguments: { files: [file], severity: 'error' },
        });
        const text = /** @type {{ text: string }[]} */ (result.content)[0]?.text ?? '';
        if (test(text)) return asked;
        if (Date.now() > deadline) throw new Error(`no right answer for ${file}: ${text}`);
      }
    };
    await answerFor(SEEDED, (text) => text.includes(`${SEEDED}:1:14: error`));
    const firstAnswerMs = performance.now() - startedAt;

    const appear = [];
    const clear = [];
    let extraAsks = 0;
    for (let i = 0; i < values.warmup + values.edits; i++) {
      const broken = performance.now();
      await writeFile(join(root, EDITED), editedFile(i, true));
      const asksBroken = await answerFor(EDITED, (text) => text.includes(`${EDITED}:4:14: error`));
      const fixed = performance.now();
      await writeFile(join(root, EDITED), editedFile(i, false));
      const asksFixed = await answerFor(EDITED, (text) => text.includes('No problems.'));
      if (i >= values.warmup) {
        appear.push(fixed - broken);
        clear.push(performance.now() - fixed);
        extraAsks += asksBroken - 1 + asksFixed - 1;
      }
      if (!json) process.stderr.write(`\redits: ${i + 1}/${values.warmup + values.edits}`);
    }
    if (!json) process.stderr.write('\n');

    // The same answer without the sidecar: the edit in place, then a whole `tsc --noEmit`.
    await writeFile(join(root, EDITED), editedFile(0, true));
    const tsc = [];
    for (let i = 0; i < values.tsc + 1; i++) {
      const begun = performance.now();
      const run = spawnSync(process.execPath, [TSC, '--noEmit', '-p', root], { encoding: 'utf8' });
      const elapsed = performance.now() - begun;
      if (!run.stdout.includes(`${EDITED}(4,14): error`)) {
        throw new Error(`tsc did not report the edit's error: ${run.stdout}${run.stderr}`);
      }
      // The first run fills the OS file cache: "warm" is every run after it.
      if (i > 0) tsc.push(elapsed);
      if (!json) process.stderr.write(`\rtsc --noEmit: ${i + 1}/${values.tsc + 1}`);
    }
    if (!json) process.stderr.write('\n');
    report({ values, json, firstAnswerMs, appear, clear, tsc, extraAsks });
  } finally {
    await client.close().catch(() => undefined);
    await rm(root, { recursive: true, force: true });
    await rm(runtimeDir, { recursive: true, force: true });
  }
}

/**
 * @param {{ values: Record<string, number>, json: boolean, firstAnswerMs: number,
 *   appear: number[], clear: number[], tsc: number[], extraAsks: number }} results
 */
function report({ values, json, firstAnswerMs, appear, clear, tsc, extraAsks }) {
  const stats = (/** @type {number[]} */ list) => {
    const s = [...list].sort((a, b) => a - b);
    return { p50: quantile(s, 0.5), p95: quantile(s, 0.95), max: s.at(-1) ?? Number.NaN };
  };
  const results = {
    settings: values,
    environment: environment(),
    firstAnswerMs,
    errorAppearsMs: stats(appear),
    errorClearsMs: stats(clear),
    tscNoEmitMs: stats(tsc),
    /** Answers that were not yet right, so the agent asked again (0 with a settled signal). */
    extraAsks,
    samples: { appear, clear, tsc },
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    return;
  }
  const env = results.environment;
  const row = (
    /** @type {string} */ label,
    /** @type {{p50: number, p95: number, max: number}} */ s,
  ) => [label, formatMs(s.p50), formatMs(s.p95), formatMs(s.max)];
  const speedup = results.tscNoEmitMs.p50 / results.errorAppearsMs.p50;
  const lines = [
    `mcp: ${values.files} TypeScript files, ${values.edits} edits (+${values.warmup} warm-up), ${values.tsc} warm tsc runs`,
    `command: ${env.command}`,
    `node ${env.node}, ${env.platform}, ${env.cpu}, ${env.cores} cores`,
    '',
    `first right answer after launch: ${formatMs(firstAnswerMs / 1000)} s`,
    '',
    formatTable(
      ['edit → right answer', 'p50 ms', 'p95 ms', 'max ms'],
      [
        row('wait_for_diagnostics: new error', results.errorAppearsMs),
        row('wait_for_diagnostics: error fixed', results.errorClearsMs),
        row('tsc --noEmit (warm)', results.tscNoEmitMs),
      ],
    ),
    '',
    `wait_for_diagnostics is ${speedup.toFixed(1)}× faster than tsc --noEmit at the median; ${extraAsks} answers were not yet right and were asked again.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
