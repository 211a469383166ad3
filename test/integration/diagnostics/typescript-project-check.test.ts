/**
 * The project-wide TypeScript check, through the real TypeScript path: an importer of an edited
 * file gets its error (and loses it once fixed) without tsserver; the settled signal waits for
 * the check; one check runs at a time; tsserver starts only for a file outside the projects.
 */

import { mkdir, rename, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type {
  DiagnosticsActivityData,
  DiagnosticsSnapshot,
  DiagnosticsWaitResult,
  EventMessage,
  ServerMessage,
} from '../../../src/protocol/index.js';
import {
  type DiagnosticsHarness,
  useDiagnosticsHarness,
  useTempWorkspaces,
} from '../../sources/diagnostics/harness.js';
import { waitFor } from '../../support/server.js';

const SLOW = { timeoutMs: 60_000 };
const TEST_TIMEOUT = 120_000;

const CORE = 'export interface Item {\n  id: number;\n}\n';
const BROKEN_CORE = 'export interface Item {\n  id: string;\n}\n';
const importer = (n: number) =>
  `import type { Item } from './core.js';\n\nexport const item${n}: Item = { id: ${n} };\n`;

const FILES: Record<string, string> = {
  'tsconfig.json': JSON.stringify({
    compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext', noEmit: true },
  }),
  'core.ts': CORE,
  'a.ts': importer(1),
  'b.ts': importer(2),
  'seeded.ts': `export const seeded: number = 'wrong';\n`,
};

const workspace = useTempWorkspaces();
const start = useDiagnosticsHarness();

let waits = 0;

/** Importers in the test of a wait for one file. */
const IMPORTERS = 400;

/** `settle`, with the request's id (to find its response among the messages). */
async function settleWithId(
  h: DiagnosticsHarness,
  files?: string[],
): Promise<{ id: string; result: DiagnosticsWaitResult }> {
  const id = `wait${waits + 1}`;
  return { id, result: await settle(h, files) };
}

/** `diagnostics.wait`, answered however long the check takes on a busy machine. */
async function settle(h: DiagnosticsHarness, files?: string[]): Promise<DiagnosticsWaitResult> {
  const id = `wait${++waits}`;
  h.client.send({
    type: 'request',
    id,
    method: 'diagnostics.wait',
    params: { files, timeoutMs: 90_000 },
  });
  const answered = () =>
    h.client.messages.find(
      (m): m is Extract<ServerMessage, { type: 'response' }> =>
        m.type === 'response' && m.id === id,
    );
  await waitFor(() => answered() !== undefined, {
    timeoutMs: 100_000,
    message: 'diagnostics.wait',
  });
  return answered()!.result as DiagnosticsWaitResult;
}

const errorsIn = (snapshot: DiagnosticsSnapshot, file: string) =>
  snapshot.files
    .filter((entry) => entry.file === file)
    .flatMap((entry) => entry.diagnostics.filter((d) => d.severity === 'error'));

describe('the TypeScript project check', () => {
  it(
    'runs no tsserver while the edited files are in the projects, and starts one for a file outside them',
    async () => {
      const root = await workspace({
        ...FILES,
        'tsconfig.json': JSON.stringify({
          compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext', noEmit: true },
          include: ['*.ts'],
        }),
      });
      const h = await start(root);
      await settle(h);
      // The edited file's hints come from the check too.
      await writeFile(join(root, 'a.ts'), `${importer(1)}const unused = 1;\n`);
      await waitFor(() => h.latest('a.ts') !== undefined, { ...SLOW, message: "a.ts's hint" });
      expect(h.latest('a.ts')!.diagnostics).toEqual([
        expect.objectContaining({ severity: 'hint', code: 6133 }),
      ]);
      expect(h.source.servers()).toEqual([{ name: 'typescript', pid: undefined }]);
      expect(h.states('diagnostics:typescript').at(-1)?.state).toBe('stopped');

      await mkdir(join(root, 'scratch'));
      await writeFile(join(root, 'scratch', 'loose.ts'), `export const loose: number = 'x';\n`);
      await waitFor(
        () => h.latest('scratch/loose.ts')?.diagnostics.some((d) => d.code === 2322) ?? false,
        // tsserver starts only now, and loads the default libraries for its inferred project.
        { timeoutMs: 150_000, message: 'the error in the file outside the project, from tsserver' },
      );
      expect(h.source.servers()[0]!.pid).toBeTypeOf('number');
      expect(await settle(h, ['scratch/loose.ts'])).toMatchObject({ settled: true });
    },
    2 * TEST_TIMEOUT,
  );

  it(
    'checks a new text again though its modification time is the same to the millisecond',
    async () => {
      const root = await workspace(FILES);
      const h = await start(root);
      await settle(h);
      const file = join(root, 'seeded.ts');
      // Each text appears at once with the same modification time (written beside, then moved
      // in), as a write that empties the file and fills it within one millisecond leaves it.
      const sameTime = new Date('2024-01-01T00:00:00.000Z');
      const replace = async (text: string) => {
        await writeFile(`${file}.next`, text);
        await utimes(`${file}.next`, sameTime, sameTime);
        await rename(`${file}.next`, file);
      };
      await replace('export const seeded: number = 1;\n');
      await settle(h, ['seeded.ts']);
      expect(
        errorsIn(await h.request<DiagnosticsSnapshot>('diagnostics.get'), 'seeded.ts'),
      ).toEqual([]);
      await replace("export const seeded: number = 'not a number';\n");
      await settle(h, ['seeded.ts']);
      expect(
        errorsIn(await h.request<DiagnosticsSnapshot>('diagnostics.get'), 'seeded.ts'),
      ).toEqual([expect.objectContaining({ code: 2322 })]);
    },
    TEST_TIMEOUT,
  );

  it(
    'brings an importer the error an edit of the imported file causes, and clears it once fixed',
    async () => {
      const root = await workspace(FILES);
      const h = await start(root);
      const settled = await settle(h);
      expect(settled.settled).toBe(true);
      // The first picture covers every file, though tsserver has none open.
      let snapshot = await h.request<DiagnosticsSnapshot>('diagnostics.get');
      expect(snapshot.files.map((entry) => entry.file)).toEqual(['seeded.ts']);
      expect(errorsIn(snapshot, 'seeded.ts')[0]).toMatchObject({ code: 2322 });
      expect(h.latest('seeded.ts')?.server).toBe('typescript');
      expect(h.states('diagnostics:typescript-project').at(-1)?.state).toBe('running');

      await writeFile(join(root, 'core.ts'), BROKEN_CORE);
      await waitFor(() => h.latest('a.ts') !== undefined && h.latest('b.ts') !== undefined, {
        ...SLOW,
        message: 'the importers to report the error',
      });
      for (const file of ['a.ts', 'b.ts']) {
        expect(h.latest(file)).toMatchObject({ server: 'typescript' });
        expect(h.latest(file)!.diagnostics).toEqual([
          expect.objectContaining({
            severity: 'error',
            code: 2322,
            message: "Type 'number' is not assignable to type 'string'.",
          }),
        ]);
      }
      // One entry per file: the check and tsserver never report the same file twice.
      snapshot = await h.request<DiagnosticsSnapshot>('diagnostics.get');
      expect(snapshot.files.map((entry) => `${entry.file} ${entry.server}`)).toEqual([
        'a.ts typescript',
        'b.ts typescript',
        'seeded.ts typescript',
      ]);

      await writeFile(join(root, 'core.ts'), CORE);
      await waitFor(
        () =>
          h.latest('a.ts')?.diagnostics.length === 0 && h.latest('b.ts')?.diagnostics.length === 0,
        { ...SLOW, message: 'the importers to clear' },
      );
    },
    TEST_TIMEOUT,
  );

  it(
    'is checking until the check of a change has ended, and diagnostics.wait waits for it',
    async () => {
      const root = await workspace(FILES);
      const h = await start(root);
      await settle(h);
      const before = h.updates().length;
      // Written, and waited for at once: the wait must not resolve before the importer's
      // error is in.
      await writeFile(join(root, 'core.ts'), BROKEN_CORE);
      const result = await settle(h, ['a.ts']);
      expect(result).toMatchObject({ settled: true, pending: [] });
      expect(
        h
          .updates()
          .slice(before)
          .map((update) => update.file),
      ).toContain('a.ts');
      expect(await settle(h)).toMatchObject({ settled: true, pending: [] });
      const after = h.updates().slice(before);
      expect(after.map((update) => update.file).sort()).toEqual(['a.ts', 'b.ts']);
      // The system signal went to checking for the change and came back to idle after it.
      const activities = h.client.messages
        .filter(
          (m): m is EventMessage =>
            m.type === 'event' && m.channel === 'system' && m.event === 'diagnostics',
        )
        .map((m) => m.data as DiagnosticsActivityData);
      expect(activities.at(-1)?.state).toBe('idle');
      expect(activities.some((a) => a.state === 'checking')).toBe(true);
    },
    TEST_TIMEOUT,
  );

  it(
    'runs one check at a time: saves in quick succession end in the last text’s result',
    async () => {
      const root = await workspace(FILES);
      const h = await start(root);
      await settle(h);
      for (let i = 0; i < 5; i++) {
        await writeFile(join(root, 'core.ts'), i % 2 === 0 ? BROKEN_CORE : CORE);
      }
      await writeFile(join(root, 'core.ts'), BROKEN_CORE);
      const result = await settle(h);
      expect(result.settled).toBe(true);
      const snapshot = await h.request<DiagnosticsSnapshot>('diagnostics.get');
      expect(errorsIn(snapshot, 'a.ts')).toHaveLength(1);
      expect(errorsIn(snapshot, 'b.ts')).toHaveLength(1);
      // The check's worker is part of this process: no second type-checking process was
      // started beside tsserver.
      expect(h.source.servers().map((server) => server.name)).toEqual(['typescript']);
    },
    TEST_TIMEOUT,
  );

  it(
    'ends a wait for a file once that file is checked, while the check of its other importers goes on',
    async () => {
      // Enough importers that their check takes several reports.
      const files: Record<string, string> = { ...FILES };
      for (let n = 0; n < IMPORTERS; n++) files[`i${n}.ts`] = importer(n);
      const root = await workspace(files);
      const h = await start(root);
      await settle(h);
      const before = h.client.messages.length;

      await writeFile(join(root, 'core.ts'), BROKEN_CORE);
      const [edited, importerWait] = await Promise.all([
        settleWithId(h, ['core.ts']),
        settleWithId(h, ['i0.ts']),
      ]);
      expect(await settle(h)).toMatchObject({ settled: true });
      const messages = h.client.messages.slice(before);
      const responseAt = (id: string) =>
        messages.findIndex((m) => m.type === 'response' && m.id === id);
      const updatedAt = messages
        .map((m, index) => ({ m, index }))
        .filter(({ m }) => m.type === 'event' && m.channel === 'diagnostics')
        .map(({ m, index }) => ({
          file: ((m as EventMessage).data as { file: string }).file,
          index,
        }));
      const importerUpdates = updatedAt.filter(({ file }) => /^i\d+\.ts$/.test(file));
      expect(importerUpdates).toHaveLength(IMPORTERS);
      // The importer's wait ended after its own error was sent...
      const i0 = importerUpdates.find(({ file }) => file === 'i0.ts')!;
      expect(importerWait.result.settled).toBe(true);
      expect(responseAt(importerWait.id)).toBeGreaterThan(i0.index);
      // ...and the edited file's wait settled too. (Whether it is answered before the last
      // importer's update depends on how the worker's reports fall into batches, so the order
      // is not asserted here.)
      expect(edited.result.settled).toBe(true);
      expect(responseAt(edited.id)).toBeGreaterThanOrEqual(0);
    },
    TEST_TIMEOUT,
  );
});
