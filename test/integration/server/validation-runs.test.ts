import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventMessage } from '../../../src/protocol/index.js';
import { isProcessGone } from '../../support/processes.js';
import { waitFor } from '../../support/server.js';
import { useValidationWorkspaces } from '../../support/validation-workspace.js';

const workspace = useValidationWorkspaces();
const node = process.execPath;

/** Prints `file:line:col: severity: message` for each TODO (warning) and FIXME (error) in *.txt. */
const TODO_CHECK = `
import { readdirSync, readFileSync } from 'node:fs';
let errors = 0;
for (const file of readdirSync('.').filter((name) => name.endsWith('.txt')).sort()) {
  readFileSync(file, 'utf8').split('\\n').forEach((text, index) => {
    for (const [word, severity] of [['TODO', 'warning'], ['FIXME', 'error']]) {
      const column = text.indexOf(word);
      if (column === -1) continue;
      if (severity === 'error') errors++;
      console.log(\`\${file}:\${index + 1}:\${column + 1}: \${severity}: \${word} left\`);
    }
  });
}
console.log('checked');
process.exit(errors ? 1 : 0);
`;

/** Starts a child that never ends, appends "own-pid child-pid" to pids.txt, and waits forever. */
const SLEEPER = `
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e6)'], { stdio: 'ignore' });
appendFileSync('pids.txt', \`\${process.pid} \${child.pid}\\n\`);
setInterval(() => {}, 1e6);
`;

function pidsOfRun(root: string, index: number): number[] | undefined {
  try {
    const line = readFileSync(join(root, 'pids.txt'), 'utf8').split('\n')[index];
    return line ? line.split(' ').map(Number) : undefined;
  } catch {
    return undefined;
  }
}

describe('validation runs', () => {
  it('runs the generic matcher on a script, on start and on matching changes only', async () => {
    const ws = await workspace({
      files: { 'check.mjs': TODO_CHECK, 'notes.txt': 'one\n  TODO: two\nFIXME three\n' },
      validation: [
        { name: 'todo', command: node, args: ['check.mjs'], triggers: ['*.txt'], debounceMs: 0 },
      ],
    });
    const first = await ws.nextComplete('todo');
    expect(first).toMatchObject({ ok: false, exitCode: 1, truncated: false });
    expect(first.problems).toEqual([
      { file: 'notes.txt', line: 2, column: 3, severity: 'warning', message: 'TODO left' },
      { file: 'notes.txt', line: 3, column: 1, severity: 'error', message: 'FIXME left' },
    ]);

    // A file outside the triggers starts nothing; a matching one does.
    await ws.write('README.md', 'TODO');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(ws.started('todo')).toHaveLength(1);
    await ws.write('notes.txt', 'all done\n');
    const fixed = await ws.nextComplete('todo', (data) => data.ok);
    expect(fixed).toMatchObject({ exitCode: 0, problems: [] });
    expect(ws.started('todo').map((s) => s.trigger)).toEqual(['start', 'change']);
  });

  it('reads problems with a custom regex matcher', async () => {
    const ws = await workspace({
      validation: [
        {
          name: 'custom',
          command: node,
          args: [
            '-e',
            'console.log("[W7] src/app.rb line 12 col 4: long line"); console.log("noise")',
          ],
          matcher: {
            regexp: '^\\[(\\w)(\\d+)\\] (\\S+) line (\\d+) col (\\d+): (.*)$',
            severity: 1,
            code: 2,
            file: 3,
            line: 4,
            column: 5,
            message: 6,
          },
        },
      ],
    });
    const run = await ws.nextComplete('custom');
    expect(run.problems).toEqual([
      {
        file: 'src/app.rb',
        line: 12,
        column: 4,
        severity: 'warning',
        code: '7',
        message: 'long line',
      },
    ]);
    // Exit code 0 and only a warning: the check passed.
    expect(run.ok).toBe(true);
  });

  it('kills a run that passes its timeout, with its children, and says so', async () => {
    const ws = await workspace({
      files: { 'sleeper.mjs': SLEEPER },
      // No triggers: the pids file it writes must not start another run.
      validation: [
        { name: 'slow', command: node, args: ['sleeper.mjs'], triggers: [], timeoutMs: 2000 },
      ],
    });
    const run = await ws.nextComplete('slow');
    expect(run).toMatchObject({ ok: false, exitCode: null, timedOut: true, cancelled: false });
    expect(run.error).toBe('timed out after 2000 ms; the process and its children were killed');
    const [main, child] = (await waitFor(() => pidsOfRun(ws.root, 0), { message: 'the pids' }))!;
    await waitFor(() => isProcessGone(main!) && isProcessGone(child!), {
      message: 'the timed-out run and its child to be gone',
    });
  });

  it('cancels a stale run when a new one is asked for, and its processes are gone', async () => {
    const ws = await workspace({
      files: { 'sleeper.mjs': SLEEPER },
      validation: [{ name: 'slow', command: node, args: ['sleeper.mjs'], triggers: [] }],
    });
    const [main, child] = (await waitFor(() => pidsOfRun(ws.root, 0), {
      message: 'the first run',
    }))!;
    const staleRunId = ws.started('slow')[0]!.runId;
    const response = await ws.request('validation.run', { tool: 'slow' });
    const freshRunId = (response.result as { runId: string }).runId;
    expect(freshRunId).not.toBe(staleRunId);
    expect(response.result).toEqual({
      runId: freshRunId,
      runs: [{ tool: 'slow', runId: freshRunId }],
    });

    const stale = await ws.nextComplete('slow', (data) => data.runId === staleRunId);
    expect(stale).toMatchObject({ cancelled: true, ok: false, exitCode: null, problems: [] });
    await waitFor(() => isProcessGone(main!) && isProcessGone(child!), {
      message: 'the stale run and its child to be gone',
    });
    // The fresh run starts after the stale one has ended, never beside it.
    await waitFor(() => ws.started('slow').some((s) => s.runId === freshRunId));
    const order = ws.client.messages
      .filter((m): m is EventMessage => m.type === 'event' && m.channel === 'validation')
      .map((m) => `${m.event} ${(m.data as { runId: string }).runId}`);
    expect(order).toEqual([
      `started ${staleRunId}`,
      `complete ${staleRunId}`,
      `started ${freshRunId}`,
    ]);
    expect(ws.started('slow')[1]!.trigger).toBe('request');
  });

  it('ends every run on shutdown: a cancelled complete, and no process left', async () => {
    const ws = await workspace({
      files: { 'sleeper.mjs': SLEEPER },
      validation: [{ name: 'slow', command: node, args: ['sleeper.mjs'], triggers: [] }],
    });
    const [main, child] = (await waitFor(() => pidsOfRun(ws.root, 0), { message: 'the run' }))!;
    const runs: unknown[] = [];
    ws.sidecar.broadcaster.onEvent('validation', (event) => runs.push(event.data));
    await ws.sidecar.close();
    expect(runs).toMatchObject([{ tool: 'slow', cancelled: true }]);
    await waitFor(() => isProcessGone(main!) && isProcessGone(child!), {
      message: 'the run and its child to be gone',
    });
  });

  it('reports a validator that is not installed on system, and runs the others', async () => {
    const ws = await workspace({
      files: { 'check.mjs': TODO_CHECK, 'a.txt': 'TODO\n' },
      validation: [
        { name: 'ghost', command: 'sidecar-ghost-checker' },
        { name: 'todo', command: node, args: ['check.mjs'] },
      ],
    });
    const run = await ws.nextComplete('todo');
    expect(run.problems).toHaveLength(1);
    // The missing check is a part of its own; the source runs on for the others.
    expect(ws.sourceStates()).toContainEqual({
      name: 'validation:ghost',
      channel: 'validation',
      state: 'unavailable',
      message: 'sidecar-ghost-checker was found neither in node_modules/.bin nor on the PATH',
    });
    expect(
      ws
        .sourceStates()
        .filter((s) => s.name === 'validation')
        .at(-1),
    ).toMatchObject({
      state: 'running',
    });
    const ghost = await ws.request('validation.run', { tool: 'ghost' });
    expect(ghost.error).toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/"ghost"/),
    });
    const unknown = await ws.request('validation.run', { tool: 'nope' });
    expect(unknown.error).toMatchObject({ code: 'INVALID_PARAMS', details: { field: 'tool' } });
    const bad = await ws.request('validation.run', { tool: 5 });
    expect(bad.error).toMatchObject({ code: 'INVALID_PARAMS', details: { field: 'tool' } });
    const all = await ws.request('validation.run');
    expect(all.result).toMatchObject({ runs: [{ tool: 'todo' }] });
    expect(ws.started().map((s) => s.tool)).not.toContain('ghost');
  });

  it('caps a flood of output, kills the run and marks it truncated', async () => {
    const ws = await workspace({
      validation: [
        {
          name: 'flood',
          command: node,
          args: [
            '-e',
            'const l = "a.txt:1:1: error: again\\n".repeat(1000); const w = () => { while (process.stdout.write(l)); process.stdout.once("drain", w); }; w();',
          ],
          maxOutputBytes: 64 * 1024,
        },
      ],
    });
    const run = await ws.nextComplete('flood');
    expect(run).toMatchObject({ ok: false, truncated: true, exitCode: null, timedOut: false });
    expect(run.error).toBe(
      'printed more than 65536 bytes; the process and its children were killed',
    );
    // What came before the cap is still read.
    expect(run.problems.length).toBe(Math.floor((64 * 1024) / 'a.txt:1:1: error: again\n'.length));
  });

  it('runs different validators independently, at most maxConcurrent at once', async () => {
    const quick = (name: string) => ({ name, command: node, args: ['-e', ''] });
    const ws = await workspace({
      validation: { validators: [quick('one'), quick('two'), quick('three')], maxConcurrent: 1 },
    });
    await waitFor(() => ws.completes().length === 3, { message: 'three runs' });
    const order = ws.client.messages
      .filter((m): m is EventMessage => m.type === 'event' && m.channel === 'validation')
      .map((m) => `${m.event} ${(m.data as { tool: string }).tool}`);
    expect(order).toEqual([
      'started one',
      'complete one',
      'started two',
      'complete two',
      'started three',
      'complete three',
    ]);
    expect(ws.completes().every((run) => run.ok)).toBe(true);
  });
});
