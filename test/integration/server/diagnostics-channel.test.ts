/**
 * The diagnostics channel end to end with the real typescript-language-server (and tsserver)
 * on a real TypeScript workspace. tsserver is slow to start on a shared machine, so one
 * sidecar serves the whole sequence below; each step builds on the one before.
 */

import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiagnosticsSnapshot, SnapshotMessage } from '../../../src/protocol/index.js';
import {
  type DiagnosticsHarness,
  processGroupMembers,
  startDiagnosticsHarness,
} from '../../sources/diagnostics/harness.js';
import { makeTempDir, waitFor } from '../../support/server.js';

/** tsserver can take this long to load a project while other test files run beside it. */
const SLOW = { timeoutMs: 60_000 };
const STEP_TIMEOUT = 120_000;

const MODEL = `export interface User {
  name: string;
  age: number;
}
`;
const BROKEN_VIEW = `import type { User } from './model.js';

export const alice: User = { name: 'Alice', age: 42 };
export const count: number = 'three';
`;
const FIXED_VIEW = BROKEN_VIEW.replace(`'three'`, '3');

describe('the diagnostics channel with typescript-language-server', () => {
  let root: string;
  let h: DiagnosticsHarness & { close(): Promise<void> };
  const errorsIn = (file: string) =>
    h.latest(file)?.diagnostics.filter((d) => d.severity === 'error') ?? [];

  beforeAll(async () => {
    root = await makeTempDir('sidecar-ts-');
    await mkdir(join(root, 'src'));
    await writeFile(
      join(root, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext', noEmit: true },
        include: ['src'],
      }),
    );
    await writeFile(join(root, 'src', 'model.ts'), MODEL);
    await writeFile(join(root, 'src', 'view.ts'), BROKEN_VIEW);
    await writeFile(join(root, 'src', 'clean.ts'), 'export const ok = 1;\n');
    // Without the project check, so that tsserver itself checks the workspace's files (with it,
    // tsserver runs only for files outside the projects: typescript-project-check.test.ts).
    h = await startDiagnosticsHarness(root, { typescriptProjectCheck: false });
  }, STEP_TIMEOUT);

  afterAll(async () => {
    await h?.close();
    await rm(root, { recursive: true, force: true });
  }, STEP_TIMEOUT);

  it(
    'reports the type error with its file, line, message and severity',
    async () => {
      await waitFor(() => errorsIn('src/view.ts').length > 0, {
        ...SLOW,
        message: 'the error in src/view.ts',
      });
      const update = h.latest('src/view.ts')!;
      expect(update).toMatchObject({ file: 'src/view.ts', server: 'typescript' });
      expect(update.uri).toMatch(/^file:\/\/.*\/src\/view\.ts$/);
      expect(errorsIn('src/view.ts')).toEqual([
        {
          range: { start: { line: 3, character: 13 }, end: { line: 3, character: 18 } },
          severity: 'error',
          message: "Type 'string' is not assignable to type 'number'.",
          code: 2322,
          source: 'typescript',
        },
      ]);
      expect(update.summary.errors).toBe(1);
      expect(h.updates().some((u) => u.file === 'src/clean.ts')).toBe(false);

      // A subscriber that comes later gets it in the snapshot; diagnostics.get agrees.
      h.client.send({ type: 'unsubscribe', channels: ['diagnostics'], id: 'u1' });
      await h.client.response('u1');
      h.client.send({ type: 'subscribe', channels: ['diagnostics'], id: 's1' });
      await h.client.response('s1');
      const snapshot = h.client.messages.findLast(
        (m): m is SnapshotMessage => m.type === 'snapshot' && m.channel === 'diagnostics',
      )?.data as DiagnosticsSnapshot;
      expect(snapshot.files.map((f) => f.file)).toEqual(['src/view.ts']);
      expect(snapshot.summary.errors).toBe(1);
      const one = await h.request<DiagnosticsSnapshot>('diagnostics.get', { file: 'src/view.ts' });
      expect(one.files[0]!.diagnostics).toEqual(snapshot.files[0]!.diagnostics);
      // tsserver found it: the project check, which would have, is off here.
      expect(snapshot.files[0]!.server).toBe('typescript');
      expect(h.states('diagnostics:typescript-project')).toEqual([]);
    },
    STEP_TIMEOUT,
  );

  it(
    'clears the error once the file is fixed on disk',
    async () => {
      await writeFile(join(root, 'src', 'view.ts'), FIXED_VIEW);
      await waitFor(() => errorsIn('src/view.ts').length === 0, {
        ...SLOW,
        message: 'src/view.ts to clear',
      });
      expect(h.latest('src/view.ts')!.summary.errors).toBe(0);
      expect((await h.request<DiagnosticsSnapshot>('diagnostics.get')).summary.errors).toBe(0);
    },
    STEP_TIMEOUT,
  );

  it(
    'reports an error in the importer when an imported type changes',
    async () => {
      await writeFile(join(root, 'src', 'model.ts'), MODEL.replace('age: number', 'age: string'));
      await waitFor(() => errorsIn('src/view.ts').length > 0, {
        ...SLOW,
        message: 'the cross-file error in src/view.ts',
      });
      expect(errorsIn('src/view.ts')).toEqual([
        expect.objectContaining({
          range: expect.objectContaining({ start: { line: 2, character: 44 } }),
          message: "Type 'number' is not assignable to type 'string'.",
        }),
      ]);
      expect(errorsIn('src/model.ts')).toEqual([]);
    },
    STEP_TIMEOUT,
  );

  it(
    'restarts a language server killed with SIGKILL, and is correct again afterwards',
    async () => {
      const [before] = h.source.servers();
      expect(before?.pid).toBeTypeOf('number');
      const killedPid = before!.pid!;
      const restartsBefore = h.states('diagnostics:typescript').filter((s) => s.state === 'error');
      process.kill(killedPid, 'SIGKILL');
      await waitFor(
        () => h.states('diagnostics:typescript').filter((s) => s.state === 'error').length,
        { ...SLOW, message: 'the crash on system' },
      );
      expect(restartsBefore).toEqual([]);
      expect(h.states('diagnostics:typescript').at(-1)).toMatchObject({
        state: 'error',
        message: expect.stringMatching(/^typescript was killed by SIGKILL; restarting in \d+ ms$/),
      });
      // The killed server's children (tsserver) went with it.
      await waitFor(() => processGroupMembers(killedPid).length === 0, {
        message: 'the old process group to be gone',
      });
      await waitFor(
        () => {
          const [now] = h.source.servers();
          return now?.pid !== undefined && now.pid !== killedPid;
        },
        { ...SLOW, message: 'a new server process' },
      );

      // The new server has the documents: fixing the model clears the importer's error…
      await writeFile(join(root, 'src', 'model.ts'), MODEL);
      await waitFor(() => errorsIn('src/view.ts').length === 0, {
        ...SLOW,
        message: 'src/view.ts to clear after the restart',
      });
      // …and a new file with an error is checked too.
      await writeFile(join(root, 'src', 'extra.ts'), 'export const flag: boolean = 1;\n');
      await waitFor(() => errorsIn('src/extra.ts').length > 0, {
        ...SLOW,
        message: 'the error in the new file',
      });
      expect(errorsIn('src/extra.ts')[0]!.message).toBe(
        "Type 'number' is not assignable to type 'boolean'.",
      );
      const all = await h.request<DiagnosticsSnapshot>('diagnostics.get');
      expect(all.files.filter((f) => f.diagnostics.some((d) => d.severity === 'error'))).toEqual([
        expect.objectContaining({ file: 'src/extra.ts' }),
      ]);
    },
    STEP_TIMEOUT,
  );

  it(
    'stops the server and its tsserver processes when the sidecar closes',
    async () => {
      const pid = h.source.servers()[0]!.pid!;
      // tsserver starts with the first file the server opens: an edited one.
      await writeFile(join(root, 'src', 'clean.ts'), 'export const ok = 2;\n');
      // The group then holds the language server and the tsserver processes it started.
      await waitFor(() => processGroupMembers(pid).length > 1, {
        ...SLOW,
        message: 'tsserver to start in the language server process group',
      });
      await h.close();
      // SIGKILL is delivered at once, but a process takes a moment to be gone.
      await waitFor(() => processGroupMembers(pid).length === 0, {
        message: "the language server's process group to be gone",
      });
    },
    STEP_TIMEOUT,
  );
});
