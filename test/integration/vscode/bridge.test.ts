/**
 * The VS Code extension's core (everything but the vscode glue) against a real sidecar: a real
 * discovery file, real sockets, a second real client playing the browser.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createSidecarBridge,
  findSidecar,
  type SidecarBridge,
  type SidecarStatus,
} from '../../../extensions/vscode/src/core/index.js';
import { type Sidecar, startSidecar } from '../../../src/app/sidecar.js';
import { connect, type SidecarClient } from '../../../src/client/index.js';
import type {
  DiagnosticsSnapshot,
  DiagnosticsUpdatedData,
  EditorState,
} from '../../../src/protocol/index.js';
import { writeDiscovery } from '../../../src/server/discovery.js';
import { createDiagnosticsSource } from '../../../src/sources/diagnostics/index.js';
import { makeTempDir, TEST_TOKEN, waitFor } from '../../support/server.js';

const FAST_RECONNECT = { initialDelayMs: 10, maxDelayMs: 100 };

let root: string;
let discoveryDir: string;
let sidecars: Sidecar[];
let clients: SidecarClient[];
let bridges: SidecarBridge[];

beforeEach(async () => {
  root = await makeTempDir('sidecar-vscode-');
  discoveryDir = await makeTempDir('sidecar-vscode-discovery-');
  await mkdir(join(root, 'src'));
  await writeFile(join(root, 'src', 'app.ts'), 'export const answer = 42;\n');
  sidecars = [];
  clients = [];
  bridges = [];
});
afterEach(async () => {
  await Promise.all(bridges.map((bridge) => bridge.dispose()));
  await Promise.all(clients.map((client) => client.close()));
  await Promise.all(sidecars.map((sidecar) => sidecar.close('test done')));
  await rm(root, { recursive: true, force: true });
  await rm(discoveryDir, { recursive: true, force: true });
});

/**
 * A sidecar for the root that writes its discovery file, as `sidecar serve` does. Its
 * diagnostics source starts no language server (there is no tsconfig.json): the editor's
 * diagnostics are the only ones.
 */
async function startServing(): Promise<Sidecar> {
  const sidecar = await startSidecar({
    root,
    port: 0,
    token: TEST_TOKEN,
    logLevel: 'silent',
    sources: [createDiagnosticsSource({})],
    discovery: { dir: discoveryDir },
  });
  sidecars.push(sidecar);
  return sidecar;
}

/** Another client of the sidecar: the browser page or tool that uses the bridge. */
function otherClient(sidecar: Sidecar): SidecarClient {
  const client = connect({ url: sidecar.wsUrl, token: TEST_TOKEN, reconnect: false });
  clients.push(client);
  return client;
}

interface FakeEditor {
  statuses: SidecarStatus[];
  opened: [string, number | undefined, number | undefined][];
  bridge: SidecarBridge;
}

function startBridge(options: { publishDiagnostics?: boolean } = {}): FakeEditor {
  const editor: FakeEditor = { statuses: [], opened: [], bridge: undefined as never };
  editor.bridge = createSidecarBridge({
    root,
    discoveryDir,
    pollIntervalMs: 20,
    debounceMs: 5,
    reconnect: FAST_RECONNECT,
    ...options,
    host: {
      openFile: (file, line, column) => {
        editor.opened.push([file, line, column]);
      },
      setStatus: (status) => editor.statuses.push(status),
    },
  });
  bridges.push(editor.bridge);
  return editor;
}

/** Waits until `editor.open` is provided on `sidecar` by someone. */
async function providedOn(sidecar: Sidecar): Promise<void> {
  const client = otherClient(sidecar);
  await waitFor(
    async () => {
      const info = (await client.request('server.info')) as {
        providers?: { method: string }[];
      };
      return info.providers?.some((provider) => provider.method === 'editor.open');
    },
    { message: 'editor.open to be provided' },
  );
}

/** The `editor` states another client sees: the snapshot at subscribe, then every event. */
function editorStates(client: SidecarClient): EditorState[] {
  const states: EditorState[] = [];
  client.subscribe('editor', (message) => {
    if (message.type === 'snapshot' || message.type === 'event')
      states.push(message.data as EditorState);
  });
  return states;
}

const app = () => join(root, 'src', 'app.ts');

/** A pid that no process has any more. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('finding the sidecar', () => {
  it('ignores a stale record, reports no sidecar, and connects once one runs', async () => {
    await writeDiscovery(
      {
        pid: deadPid(),
        port: 1,
        host: '127.0.0.1',
        url: 'http://127.0.0.1:1',
        token: TEST_TOKEN,
        root,
        version: '0.0.0',
        startedAt: 0,
      },
      discoveryDir,
    );
    expect(await findSidecar(root, discoveryDir)).toBeUndefined();

    const editor = startBridge();
    await editor.bridge.start();
    expect(editor.bridge.status).toEqual({ state: 'no-sidecar', root });
    expect(editor.bridge.startCommand()).toMatchObject({ args: ['sidecar', 'serve'], cwd: root });

    const sidecar = await startServing();
    const found = await findSidecar(root, discoveryDir);
    expect(found).toMatchObject({ record: { pid: process.pid }, wsUrl: sidecar.wsUrl });
    await waitFor(() => editor.bridge.status.state === 'connected', { message: 'connected' });
    expect(editor.bridge.status).toMatchObject({ state: 'connected', url: sidecar.wsUrl });
    expect(editor.bridge.dashboardUrl()).toBe(sidecar.dashboardUrl);
    expect(editor.statuses.map((status) => status.state)).toEqual([
      'no-sidecar',
      'connecting',
      'connected',
    ]);
  });

  it('reports an error for a refused token, and connects again once the record is right', async () => {
    const sidecar = await startServing();
    const record = (await findSidecar(root, discoveryDir))?.record;
    if (!record) throw new Error('the sidecar wrote no discovery file');
    await writeDiscovery({ ...record, token: 'not-the-token' }, discoveryDir);

    const editor = startBridge();
    await editor.bridge.start();
    await waitFor(() => editor.bridge.status.state === 'error', { message: 'the error' });
    expect(editor.bridge.status).toMatchObject({ state: 'error' });

    await writeDiscovery(record, discoveryDir);
    await editor.bridge.reconnect();
    await waitFor(() => editor.bridge.status.state === 'connected', { message: 'connected' });
    expect(editor.bridge.status).toMatchObject({ url: sidecar.wsUrl });
  });
});

describe('with a sidecar running', () => {
  it('opens a file another client asks for, at its line and column', async () => {
    const sidecar = await startServing();
    const editor = startBridge();
    await editor.bridge.start();
    await providedOn(sidecar);

    const result = await otherClient(sidecar).request('editor.open', {
      file: 'src/app.ts',
      line: 3,
      column: 7,
    });
    expect(result).toEqual({
      opened: true,
      by: 'provider',
      clientId: editor.bridge.status.state === 'connected' && editor.bridge.status.clientId,
    });
    // An absolute path inside the root works too.
    await otherClient(sidecar).request('editor.open', { file: app() });
    expect(editor.opened).toEqual([
      [app(), 3, 7],
      [app(), undefined, undefined],
    ]);
  });

  it('publishes the editor state, files under the root only, root-relative', async () => {
    const sidecar = await startServing();
    const editor = startBridge();
    await editor.bridge.start();
    await providedOn(sidecar);

    const states = editorStates(otherClient(sidecar));
    const selection = { start: { line: 2, character: 4 }, end: { line: 2, character: 9 } };
    editor.bridge.updateEditor({
      activeFile: app(),
      selection,
      openFiles: [
        { path: app(), dirty: true, languageId: 'typescript' },
        { path: join(root, '..', 'elsewhere.ts'), dirty: false },
      ],
    });
    const state = await waitFor(() => states.find((state) => state.activeFile), {
      message: 'an editor state',
    });
    expect(state).toEqual({
      provider: {
        clientId: editor.bridge.status.state === 'connected' && editor.bridge.status.clientId,
        name: 'VS Code',
      },
      activeFile: 'src/app.ts',
      selection,
      openFiles: [{ file: 'src/app.ts', dirty: true, languageId: 'typescript' }],
    });
  });

  it('publishes the editor diagnostics as server vscode only while enabled', async () => {
    const sidecar = await startServing();
    const editor = startBridge();
    await editor.bridge.start();
    await providedOn(sidecar);
    const other = otherClient(sidecar);
    // The `updated` sets the editor publishes, as a page sees them.
    const published: DiagnosticsUpdatedData[] = [];
    other.subscribe('diagnostics', (message) => {
      if (message.type === 'event' && message.event === 'updated') {
        const data = message.data as DiagnosticsUpdatedData;
        if (data.server === 'vscode') published.push(data);
      }
    });
    await other.ready();

    editor.bridge.updateDiagnostics([
      {
        path: app(),
        diagnostics: [
          {
            range: { start: { line: 0, character: 13 }, end: { line: 0, character: 19 } },
            severity: 0,
            message: "Type 'number' is not assignable to type 'string'.",
            code: { value: 2322 },
            source: 'ts',
          },
          {
            range: { start: { line: 0, character: 0 }, end: { line: 0, character: 6 } },
            severity: 3,
            message: 'unused',
          },
        ],
      },
    ]);
    // Published while disabled, the diagnostics would come before this editor state.
    const states = editorStates(other);
    editor.bridge.updateEditor({ activeFile: app(), selection: null, openFiles: [] });
    await waitFor(() => states.some((state) => state.activeFile), { message: 'the editor state' });
    expect(published).toEqual([]);

    editor.bridge.setPublishDiagnostics(true);
    await waitFor(() => published.length > 0, { message: 'the diagnostics' });
    expect(published[0]).toMatchObject({
      file: 'src/app.ts',
      server: 'vscode',
      diagnostics: [
        { severity: 'error', code: 2322, source: 'ts', range: { start: { character: 13 } } },
        { severity: 'hint', message: 'unused' },
      ],
      summary: { errors: 1, hints: 1 },
    });

    editor.bridge.setPublishDiagnostics(false);
    await waitFor(() => published.length === 2, { message: 'the diagnostics cleared' });
    expect(published[1]).toMatchObject({ file: 'src/app.ts', diagnostics: [] });
  });

  it('a second window waits for editor.open and takes over, with its state, when the first goes', async () => {
    const sidecar = await startServing();
    const first = startBridge();
    await first.bridge.start();
    await providedOn(sidecar);
    const second = startBridge();
    await second.bridge.start();
    await waitFor(() => second.bridge.status.state === 'connected', { message: 'connected' });
    second.bridge.updateEditor({ activeFile: app(), selection: null, openFiles: [] });

    await first.bridge.dispose();
    const other = otherClient(sidecar);
    const secondId = (second.bridge.status as { clientId: string }).clientId;
    await waitFor(
      async () => {
        const info = (await other.request('server.info')) as {
          providers?: { method: string; clientId: string }[];
        };
        return info.providers?.some((provider) => provider.clientId === secondId);
      },
      { message: 'the second window to provide editor.open' },
    );
    await other.request('editor.open', { file: 'src/app.ts' });
    expect(second.opened).toEqual([[app(), undefined, undefined]]);
    expect(first.opened).toEqual([]);
    const states = editorStates(other);
    await waitFor(
      () =>
        states.at(-1)?.provider?.clientId === secondId &&
        states.at(-1)?.activeFile === 'src/app.ts',
      { message: "the second window's editor state" },
    );
  });

  it('follows the sidecar through a restart: connects again, provides and publishes again', async () => {
    const first = await startServing();
    const editor = startBridge({ publishDiagnostics: true });
    await editor.bridge.start();
    await providedOn(first);
    editor.bridge.updateEditor({
      activeFile: app(),
      selection: null,
      openFiles: [{ path: app(), dirty: false }],
    });
    editor.bridge.updateDiagnostics([
      {
        path: app(),
        diagnostics: [
          {
            range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
            severity: 1,
            message: 'a warning',
          },
        ],
      },
    ]);

    await first.close('restart');
    sidecars.splice(sidecars.indexOf(first), 1);
    await waitFor(() => editor.bridge.status.state !== 'connected', { message: 'the drop' });
    const second = await startServing();
    expect(second.wsUrl).not.toBe(first.wsUrl);
    await waitFor(
      () => editor.bridge.status.state === 'connected' && editor.bridge.status.url === second.wsUrl,
      { message: 'connected to the new sidecar' },
    );
    await providedOn(second);

    const other = otherClient(second);
    await other.request('editor.open', { file: 'src/app.ts', line: 1 });
    expect(editor.opened).toEqual([[app(), 1, undefined]]);
    await waitFor(
      async () => {
        const snapshot = (await other.request('diagnostics.get')) as DiagnosticsSnapshot;
        return snapshot.files.some((entry) => entry.server === 'vscode');
      },
      { message: 'the diagnostics published again' },
    );
    const states = editorStates(other);
    await waitFor(() => states.at(-1)?.activeFile === 'src/app.ts', {
      message: 'the editor state published again',
    });
  });
});
