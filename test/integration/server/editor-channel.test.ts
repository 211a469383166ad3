import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../../src/protocol/index.js';
import { createDiagnosticsSource } from '../../../src/sources/diagnostics/index.js';
import { type RawClient, rawClient, useTestSidecars } from '../../support/server.js';

const start = useTestSidecars();

const clientIdOf = (client: RawClient) => (client.messages[0] as { clientId: string }).clientId;
const isEvent = (channel: string, test: (data: never) => boolean) => (m: ServerMessage) =>
  m.type === 'event' && m.channel === channel && test(m.data as never);

async function editorProvider(sidecar: Parameters<typeof rawClient>[0]): Promise<RawClient> {
  const client = await rawClient(sidecar);
  client.send({ type: 'provide', id: 'provide', methods: ['editor.reveal'] });
  await client.response('provide');
  return client;
}

describe('the editor channel', () => {
  it('takes state only from an editor provider, confined to the root, and clears it when it leaves', async () => {
    const sidecar = await start();
    const root = sidecar.options.root;
    const page = await rawClient(sidecar);
    page.send({ type: 'subscribe', id: 's', channels: ['editor'] });
    expect(await page.next((m) => m.type === 'snapshot' && m.channel === 'editor')).toMatchObject({
      data: { provider: null, activeFile: null, selection: null, openFiles: [] },
    });

    const stranger = await rawClient(sidecar);
    const state = {
      name: 'VS Code',
      activeFile: join(root, 'src', 'a.ts'),
      selection: { start: { line: 2, character: 0 }, end: { line: 2, character: 5 } },
      openFiles: [
        { file: 'src/a.ts', dirty: true, languageId: 'typescript' },
        { file: '/etc/hosts', dirty: false },
        { file: '../outside.ts', dirty: false },
      ],
    };
    stranger.send({ type: 'publish', id: 'no', channel: 'editor', event: 'state', data: state });
    expect((await stranger.response('no')).error).toMatchObject({
      code: 'FORBIDDEN',
      details: { channel: 'editor' },
    });

    const editor = await editorProvider(sidecar);
    editor.send({ type: 'publish', id: 'bad', channel: 'editor', event: 'state', data: {} });
    expect((await editor.response('bad')).error?.code).toBe('INVALID_PARAMS');
    editor.send({ type: 'publish', id: 'ok', channel: 'editor', event: 'state', data: state });
    expect((await editor.response('ok')).result).toMatchObject({ channel: 'editor' });
    const expected = {
      provider: { clientId: clientIdOf(editor), name: 'VS Code' },
      activeFile: 'src/a.ts',
      selection: state.selection,
      openFiles: [{ file: 'src/a.ts', dirty: true, languageId: 'typescript' }],
    };
    expect(
      await page.next(isEvent('editor', (d: { activeFile: string }) => d.activeFile !== null)),
    ).toMatchObject({ event: 'state', data: expected });

    const late = await rawClient(sidecar);
    late.send({ type: 'subscribe', channels: ['editor'] });
    expect(await late.next((m) => m.type === 'snapshot')).toMatchObject({ data: expected });

    editor.close();
    expect(
      await page.next(isEvent('editor', (d: { provider: unknown }) => d.provider === null)),
    ).toMatchObject({
      data: { provider: null, activeFile: null, selection: null, openFiles: [] },
    });
    for (const client of [page, stranger, late]) client.close();
  });
});

describe('diagnostics published by an editor', () => {
  it('stores them per (file, server) beside the others, and clears them when the editor leaves', async () => {
    // No tsconfig.json: no language server runs, yet the editor's diagnostics are answered.
    const sidecar = await start({ sources: [createDiagnosticsSource({})] });
    const page = await rawClient(sidecar);
    page.send({ type: 'subscribe', id: 's', channels: ['diagnostics'] });
    await page.response('s');
    const diagnostic = (severity: string, line: number) => ({
      range: { start: { line, character: 0 }, end: { line, character: 3 } },
      severity,
      message: `a ${severity}`,
      source: 'ts',
    });

    const stranger = await rawClient(sidecar);
    const data = { file: 'src/a.ts', server: 'vscode', diagnostics: [diagnostic('error', 1)] };
    stranger.send({ type: 'publish', id: 'no', channel: 'diagnostics', event: 'updated', data });
    expect((await stranger.response('no')).error?.code).toBe('FORBIDDEN');

    const editor = await editorProvider(sidecar);
    editor.send({ type: 'publish', id: 'a', channel: 'diagnostics', event: 'updated', data });
    expect((await editor.response('a')).error).toBeUndefined();
    const updated = await page.next(
      isEvent('diagnostics', (d: { server: string }) => d.server === 'vscode'),
    );
    expect(updated).toMatchObject({
      event: 'updated',
      data: {
        file: 'src/a.ts',
        uri: expect.stringMatching(/^file:\/\/.*\/src\/a\.ts$/),
        server: 'vscode',
        summary: { errors: 1, warnings: 0 },
      },
    });
    editor.send({
      type: 'publish',
      id: 'b',
      channel: 'diagnostics',
      event: 'updated',
      data: {
        file: join(sidecar.options.root, 'src', 'a.ts'),
        server: 'vscode-eslint',
        diagnostics: [diagnostic('warning', 4)],
      },
    });
    await editor.response('b');

    editor.send({ type: 'request', id: 'get', method: 'diagnostics.get' });
    expect((await editor.response('get')).result).toMatchObject({
      files: [
        { file: 'src/a.ts', server: 'vscode' },
        { file: 'src/a.ts', server: 'vscode-eslint' },
      ],
      summary: { errors: 1, warnings: 1 },
    });

    for (const [id, bad, code] of [
      ['own', { ...data, server: 'typescript' }, 'FORBIDDEN'],
      ['name', { ...data, server: 'VS Code' }, 'INVALID_PARAMS'],
      ['outside', { ...data, file: '../x.ts' }, 'FORBIDDEN'],
      ['shape', { ...data, diagnostics: [{ message: 'no range' }] }, 'INVALID_PARAMS'],
    ] as const) {
      editor.send({ type: 'publish', id, channel: 'diagnostics', event: 'updated', data: bad });
      expect((await editor.response(id)).error?.code, id).toBe(code);
    }

    editor.close();
    await page.next(
      isEvent(
        'diagnostics',
        (d: { server: string; diagnostics: unknown[] }) =>
          d.server === 'vscode-eslint' && d.diagnostics.length === 0,
      ),
    );
    const after = await rawClient(sidecar);
    await page.next(
      isEvent(
        'diagnostics',
        (d: { server: string; diagnostics: unknown[] }) =>
          d.server === 'vscode' && d.diagnostics.length === 0,
      ),
    );
    after.send({ type: 'request', id: 'get', method: 'diagnostics.get' });
    expect((await after.response('get')).result).toMatchObject({
      files: [],
      summary: { errors: 0, warnings: 0 },
    });
    for (const client of [page, stranger, after]) client.close();
  });
});
