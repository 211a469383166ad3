import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SnapshotMessage, ValidationSnapshot } from '../../../src/protocol/index.js';
import { rawClient } from '../../support/server.js';
import { useValidationWorkspaces } from '../../support/validation-workspace.js';

const workspace = useValidationWorkspaces();

/** Runs a workspace's tool the way a developer would, for what it prints. */
function runTool(root: string, tool: string, args: string[]): string {
  return spawnSync(join(root, 'node_modules', '.bin', tool), args, { cwd: root, encoding: 'utf8' })
    .stdout;
}

const TSCONFIG = JSON.stringify({
  compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'NodeNext', types: [] },
  include: ['src'],
});

describe('the validation channel with the real tsc', () => {
  it('reports what tsc prints, then clears when the code is fixed', async () => {
    const ws = await workspace({
      tools: ['tsc'],
      files: {
        'tsconfig.json': TSCONFIG,
        'src/a.ts': "export const n: number = 'one';\nexport const s: string = missing;\n",
        'src/ok.ts': 'export const fine = 1;\n',
      },
    });
    const first = await ws.nextComplete('tsc');
    expect(ws.started('tsc')[0]).toEqual({ runId: first.runId, tool: 'tsc', trigger: 'start' });
    expect(first).toMatchObject({ tool: 'tsc', ok: false, exitCode: 2, cancelled: false });

    // Each problem where tsc itself says it is.
    const printed = runTool(ws.root, 'tsc', ['--noEmit', '-p', '.', '--pretty', 'false'])
      .split('\n')
      .map((line) => /^(.+)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line))
      .filter((match) => match !== null)
      .map(([, file, line, column, code, message]) => ({
        file,
        line: Number(line),
        column: Number(column),
        code,
        message,
        severity: 'error',
      }));
    expect(printed).toHaveLength(2);
    expect(first.problems).toEqual(printed);
    expect(first.problems.map((p) => [p.file, p.line, p.column])).toEqual([
      ['src/a.ts', 1, 14],
      ['src/a.ts', 2, 26],
    ]);

    // A client that subscribes now gets the last result in the snapshot.
    const late = await rawClient(ws.sidecar);
    late.send({ type: 'subscribe', channel: 'validation' });
    const snapshot = await late.next<SnapshotMessage>(
      (m) => m.type === 'snapshot' && m.channel === 'validation',
    );
    expect(snapshot.data as ValidationSnapshot).toEqual({
      validators: [{ tool: 'tsc', state: 'idle' }],
      results: { tsc: first },
    });
    late.close();

    await ws.write('src/a.ts', "export const n: number = 1;\nexport const s: string = 'two';\n");
    const fixed = await ws.nextComplete('tsc', (data) => data.ok);
    expect(fixed).toMatchObject({ exitCode: 0, problems: [], cancelled: false, timedOut: false });
    expect(ws.started('tsc').find((s) => s.runId === fixed.runId)?.trigger).toBe('change');
  }, 120_000);
});

describe('the validation channel with the real eslint', () => {
  it('reports what eslint finds, where it finds it, then clears when fixed', async () => {
    const ws = await workspace({
      tools: ['eslint'],
      files: {
        'eslint.config.mjs':
          "export default [{ rules: { 'no-unused-vars': 'error', 'no-console': 'warn' } }];\n",
        'src/c.js': 'const unused = 1;\nconsole.log("hi");\n',
      },
    });
    const first = await ws.nextComplete('eslint');
    expect(first).toMatchObject({ ok: false, exitCode: 1 });
    const report = JSON.parse(runTool(ws.root, 'eslint', ['-f', 'json', '.'])) as {
      filePath: string;
      messages: {
        ruleId: string;
        line: number;
        column: number;
        endLine: number;
        endColumn: number;
      }[];
    }[];
    const printed = report.flatMap((result) =>
      result.messages.map((m) => ({
        file: result.filePath.slice(result.filePath.lastIndexOf('/src/') + 1),
        code: m.ruleId,
        line: m.line,
        column: m.column,
        endLine: m.endLine,
        endColumn: m.endColumn,
      })),
    );
    expect(printed).toHaveLength(2);
    expect(
      first.problems.map(({ file, code, line, column, endLine, endColumn }) => ({
        file,
        code,
        line,
        column,
        endLine,
        endColumn,
      })),
    ).toEqual(printed);
    expect(first.problems.map((p) => p.severity)).toEqual(['error', 'warning']);

    await ws.write('src/c.js', 'export const used = 1;\n');
    const fixed = await ws.nextComplete('eslint', (data) => data.ok);
    expect(fixed).toMatchObject({ exitCode: 0, problems: [] });
  }, 120_000);

  it('explains a run that fails without problems, with what eslint printed', async () => {
    // ESLint 10 reads only eslint.config.*: a legacy .eslintrc is detected, and eslint says why it fails.
    const ws = await workspace({
      tools: ['eslint'],
      files: { '.eslintrc.json': '{ "rules": {} }', 'a.js': 'export const a = 1;\n' },
    });
    const run = await ws.nextComplete('eslint');
    expect(run).toMatchObject({ ok: false, exitCode: 2, problems: [] });
    expect(run.error).toMatch(
      /^exited with code 2 and reported no problems: [\s\S]*eslint\.config/,
    );
  }, 120_000);
});
