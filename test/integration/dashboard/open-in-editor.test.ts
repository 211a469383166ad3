/**
 * "Open in editor" in real Chromium: a click on a problem or a search result reaches the
 * client that provides `editor.open` (a real WebSocket client) with the file, line and column;
 * with none, the sidecar runs the editor named by `LAUNCH_EDITOR` (a fake that records its
 * arguments).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Sidecar } from '../../../src/app/sidecar.js';
import {
  connect,
  type SidecarClient,
  type WebSocketConstructor,
} from '../../../src/client/index.js';
import { createDiagnosticsSource } from '../../../src/sources/diagnostics/index.js';
import { createSearchSource } from '../../../src/sources/search/index.js';
import { createFakeEditor, type FakeEditor } from '../../support/fake-editor.js';
import { makeTempDir, TEST_TOKEN, useTestSidecars, waitFor } from '../../support/server.js';
import { openTab, useDashboard } from './browser.js';

const start = useTestSidecars();
const open = useDashboard();

let scratch: string;
let root: string;
let fakeEditor: FakeEditor;
let clients: SidecarClient[] = [];
const savedLaunchEditor = process.env.LAUNCH_EDITOR;
beforeEach(async () => {
  scratch = await makeTempDir('sidecar-open-in-editor-');
  root = join(scratch, 'project');
  await mkdir(join(root, 'src'), { recursive: true });
  await writeFile(join(root, 'src', 'app.ts'), 'const total = 1;\n// TODO: ship it\nlet x = y;\n');
  fakeEditor = await createFakeEditor(scratch);
  process.env.LAUNCH_EDITOR = fakeEditor.command;
});
afterEach(async () => {
  await Promise.all(clients.map((client) => client.close()));
  clients = [];
  if (savedLaunchEditor === undefined) delete process.env.LAUNCH_EDITOR;
  else process.env.LAUNCH_EDITOR = savedLaunchEditor;
  await rm(scratch, { recursive: true, force: true });
});

function ideClient(sidecar: Sidecar): SidecarClient {
  const client = connect({
    url: sidecar.wsUrl,
    token: TEST_TOKEN,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
  });
  clients.push(client);
  return client;
}

describe('open in editor from the dashboard', () => {
  it('sends a diagnostic’s file, line and column to the editor extension that provides editor.open', async () => {
    const sidecar = await start({ root, sources: [createDiagnosticsSource({})] });
    const ide = ideClient(sidecar);
    const opened: unknown[] = [];
    await ide.provide('editor.open', (params) => {
      opened.push(params);
      return { shown: true };
    });
    // The editor's own problem: line 3, character 8 (0-based), as its language server said.
    await ide.publish('diagnostics', 'updated', {
      file: 'src/app.ts',
      server: 'vscode',
      diagnostics: [
        {
          range: { start: { line: 2, character: 8 }, end: { line: 2, character: 9 } },
          severity: 'error',
          message: "Cannot find name 'y'.",
          source: 'ts',
          code: 2304,
        },
      ],
    });

    const { page, problems } = await open(sidecar);
    await openTab(page, 'Diagnostics');
    const button = page.locator('#diagnostics-files .open-in-editor[data-open="src/app.ts:3:9"]');
    await button.click();
    await waitFor(() => opened.length === 1, { message: 'the click to reach the provider' });
    expect(opened).toEqual([{ file: 'src/app.ts', line: 3, column: 9 }]);
    await page.locator('#diagnostics-files .open-in-editor[data-state="opened"]').waitFor();
    expect(await fakeEditor.launches()).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('with no provider, runs LAUNCH_EDITOR on a search result’s file, line and column', async () => {
    const sidecar = await start({ root, sources: [createSearchSource()] });
    const { page, problems } = await open(sidecar, { hash: '#search' });
    await page.locator('#search-query').fill('TODO');
    await page.locator('#search-query').press('Enter');
    const button = page.locator('#search-results .open-in-editor[data-open="src/app.ts:2:4"]');
    await button.click();
    await page.locator('#search-results .open-in-editor[data-state="opened"]').waitFor();
    await waitFor(async () => (await fakeEditor.launches()).length === 1, {
      message: 'the fake editor to run',
    });
    expect(await fakeEditor.launches()).toEqual([[join(root, 'src', 'app.ts'), '2', '4']]);
    expect(problems).toEqual([]);
  });

  it('puts the link on validation problems too', async () => {
    const sidecar = await start({ root });
    const ide = ideClient(sidecar);
    const opened: unknown[] = [];
    await ide.provide('editor.open', (params) => {
      opened.push(params);
      return null;
    });
    const { page, problems } = await open(sidecar);
    await openTab(page, 'Validation');
    sidecar.broadcaster.emit('validation', 'started', {
      runId: 'r1',
      tool: 'tsc',
      trigger: 'manual',
    });
    sidecar.broadcaster.emit('validation', 'complete', {
      runId: 'r1',
      tool: 'tsc',
      trigger: 'manual',
      success: false,
      durationMs: 5,
      problems: [
        {
          file: 'src/app.ts',
          line: 3,
          column: 9,
          severity: 'error',
          message: "Cannot find name 'y'.",
        },
      ],
    } as never);
    await page.locator('#panel-validation .open-in-editor[data-open="src/app.ts:3:9"]').click();
    await waitFor(() => opened.length === 1, { message: 'the click to reach the provider' });
    expect(opened).toEqual([{ file: 'src/app.ts', line: 3, column: 9 }]);
    expect(problems).toEqual([]);
  });
});
