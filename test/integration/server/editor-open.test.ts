import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../../src/protocol/index.js';
import { createFakeEditor, type FakeEditor } from '../../support/fake-editor.js';
import { makeTempDir, rawClient, useTestSidecars, waitFor } from '../../support/server.js';

const start = useTestSidecars();

let scratch: string;
let editor: FakeEditor;
const savedLaunchEditor = process.env.LAUNCH_EDITOR;
beforeEach(async () => {
  scratch = await makeTempDir('sidecar-editor-');
  editor = await createFakeEditor(scratch);
  process.env.LAUNCH_EDITOR = editor.command;
});
afterEach(async () => {
  if (savedLaunchEditor === undefined) delete process.env.LAUNCH_EDITOR;
  else process.env.LAUNCH_EDITOR = savedLaunchEditor;
  await rm(scratch, { recursive: true, force: true });
});

async function workspace(): Promise<string> {
  const root = join(scratch, 'project');
  await mkdir(join(root, 'src'), { recursive: true });
  await writeFile(join(root, 'src', 'app.ts'), 'export const x = 1;\n');
  await writeFile(join(scratch, 'secret.txt'), 'outside\n');
  return root;
}

type Routed = Extract<ServerMessage, { type: 'request' }>;

describe('editor.open', () => {
  it('goes to the client that provides it, with the file made root-relative', async () => {
    const root = await workspace();
    const sidecar = await start({ root });
    const ide = await rawClient(sidecar);
    ide.send({ type: 'provide', id: 'p', methods: ['editor.open'] });
    await ide.response('p');
    const page = await rawClient(sidecar);
    page.send({
      type: 'request',
      id: 'o',
      method: 'editor.open',
      params: { file: join(root, 'src', 'app.ts'), line: 3, column: 7 },
    });
    const routed = await ide.next<Routed>((m) => m.type === 'request');
    expect(routed).toMatchObject({
      method: 'editor.open',
      params: { file: 'src/app.ts', line: 3, column: 7 },
    });
    ide.send({ type: 'response', id: routed.id, result: { done: true } });
    expect((await page.response('o')).result).toEqual({
      opened: true,
      by: 'provider',
      clientId: (ide.messages[0] as { clientId: string }).clientId,
    });
    expect(await editor.launches()).toEqual([]);
    ide.close();
    page.close();
  });

  it('falls back on launch-editor, which runs LAUNCH_EDITOR with the file, line and column', async () => {
    const root = await workspace();
    const sidecar = await start({ root });
    const page = await rawClient(sidecar);
    page.send({
      type: 'request',
      id: 'o',
      method: 'editor.open',
      params: { file: 'src/app.ts', line: 12, column: 5 },
    });
    expect((await page.response('o')).result).toEqual({ opened: true, by: 'launch-editor' });
    await waitFor(async () => (await editor.launches()).length === 1, {
      message: 'the fake editor to run',
    });
    expect(await editor.launches()).toEqual([[join(root, 'src', 'app.ts'), '12', '5']]);

    page.send({ type: 'request', id: 'n', method: 'editor.open', params: { file: 'src/app.ts' } });
    expect((await page.response('n')).result).toMatchObject({ by: 'launch-editor' });
    await waitFor(async () => (await editor.launches()).length === 2, {
      message: 'the second launch',
    });
    expect((await editor.launches())[1]).toEqual([join(root, 'src', 'app.ts')]);

    process.env.LAUNCH_EDITOR = join(scratch, 'no-such-editor');
    page.send({ type: 'request', id: 'x', method: 'editor.open', params: { file: 'src/app.ts' } });
    expect((await page.response('x')).error).toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('no-such-editor'),
    });
    page.close();
  });

  it("does not pass the sidecar's token in the environment on to the editor", async () => {
    const root = await workspace();
    const sidecar = await start({ root });
    const page = await rawClient(sidecar);
    const saved = process.env.SIDECAR_TOKEN;
    process.env.SIDECAR_TOKEN = 'token-from-the-environment';
    try {
      page.send({
        type: 'request',
        id: 'o',
        method: 'editor.open',
        params: { file: 'src/app.ts' },
      });
      expect((await page.response('o')).result).toEqual({ opened: true, by: 'launch-editor' });
      await waitFor(async () => (await editor.tokensSeen()).length === 1, {
        message: 'the fake editor to run',
      });
      expect(await editor.tokensSeen()).toEqual(['unset']);
      // The sidecar's own environment is as it was.
      expect(process.env.SIDECAR_TOKEN).toBe('token-from-the-environment');
    } finally {
      if (saved === undefined) delete process.env.SIDECAR_TOKEN;
      else process.env.SIDECAR_TOKEN = saved;
    }
    page.close();
  });

  it('opens nothing outside the root', async () => {
    const root = await workspace();
    await symlink(join(scratch, 'secret.txt'), join(root, 'src', 'link.txt'));
    const sidecar = await start({ root });
    const ide = await rawClient(sidecar);
    ide.send({ type: 'provide', id: 'p', methods: ['editor.open'] });
    await ide.response('p');
    const page = await rawClient(sidecar);
    const cases = [
      ['up', { file: '../secret.txt' }, 'FORBIDDEN'],
      ['abs', { file: join(scratch, 'secret.txt') }, 'FORBIDDEN'],
      ['link', { file: 'src/link.txt' }, 'FORBIDDEN'],
      ['root', { file: '.' }, 'FORBIDDEN'],
      ['missing', { file: 'src/none.ts' }, 'INVALID_PARAMS'],
      ['dir', { file: 'src' }, 'INVALID_PARAMS'],
      ['line', { file: 'src/app.ts', line: 0 }, 'INVALID_PARAMS'],
      ['type', { file: 3 }, 'INVALID_PARAMS'],
    ] as const;
    for (const [id, params, code] of cases) {
      page.send({ type: 'request', id, method: 'editor.open', params });
      expect((await page.response(id)).error?.code, id).toBe(code);
    }
    expect((await page.response('missing')).error?.details).toEqual({ file: 'src/none.ts' });
    expect(ide.messages.filter((m) => m.type === 'request')).toEqual([]);
    expect(await editor.launches()).toEqual([]);
    ide.close();
    page.close();
  });
});
