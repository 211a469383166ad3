/**
 * The DevTools extension in real Chromium: the unpacked build (`npm run build`) loaded in the
 * new headless mode, a real sidecar on port 0, the dashboard's "Connect the DevTools
 * extension" button, then the panel page (what the "Sidecar" DevTools panel shows) against
 * that sidecar, and a real WebSocket client that provides `editor.open`.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Sidecar } from '../../../src/app/sidecar.js';
import { connect } from '../../../src/client/index.js';
import { createDiagnosticsSource } from '../../../src/sources/diagnostics/index.js';
import { createFilesSource } from '../../../src/sources/files/index.js';
import { TEST_TOKEN, useTestSidecars } from '../../support/server.js';
import {
  DOCUMENTED_EXTENSION_ID,
  EXTENSION_DIR,
  extensionIdFromKey,
  readManifest,
  useExtensionBrowser,
} from './extension-browser.js';

// Declared in this order so that, after each test, pages close before sidecars.
const start = useTestSidecars();
const browser = useExtensionBrowser();

const panelUrl = () => `chrome-extension://${browser.extensionId()}/panel.html`;

/** The dashboard of `sidecar`, connected, with `?extension=` when given. */
async function openDashboard(sidecar: Sidecar, extension?: string) {
  const url = new URL(sidecar.dashboardUrl!);
  if (extension) url.searchParams.set('extension', extension);
  const opened = await browser.open(url.href);
  await connected(opened.page);
  return opened;
}

async function connected(page: Page): Promise<void> {
  await page.locator('#connection-state', { hasText: /^connected$/ }).waitFor();
}

/** What the service worker stored, read in an extension page. */
async function storedPairing(): Promise<unknown> {
  const { page } = await browser.open(panelUrl());
  return page.evaluate(async () => (await chrome.storage.local.get('pairing')).pairing ?? null);
}

/** A client as an IDE extension is: it provides `editor.open` and records the calls. */
async function editorProvider(sidecar: Sidecar) {
  const client = connect({ url: sidecar.wsUrl, token: TEST_TOKEN });
  const opened: unknown[] = [];
  await client.provide('editor.open', (params) => {
    opened.push(params);
    return { opened: true };
  });
  return { client, opened };
}

declare const chrome: {
  storage: { local: { get(key: string): Promise<Record<string, unknown>> } };
  runtime: {
    sendMessage(id: string, message: unknown, callback: (reply: unknown) => void): void;
    lastError?: { message?: string };
  };
};

describe('the DevTools extension in real Chromium', () => {
  it('loads with the documented id (fixed by the key in its manifest) and, before pairing, says how to pair', async () => {
    const manifest = await readManifest();
    expect(extensionIdFromKey(manifest.key)).toBe(DOCUMENTED_EXTENSION_ID);
    expect(browser.extensionId()).toBe(DOCUMENTED_EXTENSION_ID);
    // The build copied the dashboard's modules and the client; the panel is not a fork.
    for (const copied of ['src/dashboard/views/diagnostics.js', 'src/dashboard/ui/dom.js']) {
      const built = copied.replace('src/dashboard/', 'dashboard/');
      expect(await readFile(join(EXTENSION_DIR, built), 'utf8')).toBe(
        await readFile(new URL(`../../../${copied}`, import.meta.url), 'utf8'),
      );
    }

    const { page, problems } = await browser.open(panelUrl());
    await page.locator('#pairing-notice', { hasText: 'Not paired with a sidecar yet' }).waitFor();
    expect(await page.locator('#connection-state').textContent()).toBe('not paired');
    expect(problems).toEqual([]);
  });

  it('says so when the extension is not installed, and when the id is not an extension id', async () => {
    const sidecar = await start();
    const other = 'abcdefghijklmnopabcdefghijklmnop';
    const { page, problems } = await openDashboard(sidecar, other);
    await page.getByRole('button', { name: 'Connect the DevTools extension' }).click();
    await page.locator('#pairing-status', { hasText: 'not installed' }).waitFor();
    expect(await page.locator('#pairing-status').textContent()).toContain(other);

    const bad = await openDashboard(sidecar, 'not-an-id');
    await bad.page.getByRole('button', { name: 'Connect the DevTools extension' }).click();
    await bad.page.locator('#pairing-status', { hasText: 'is not an extension id' }).waitFor();
    expect([...problems, ...bad.problems]).toEqual([]);
  });

  it('refuses, from a loopback page, a pairing for another server than the page’s own', async () => {
    const sidecar = await start();
    const { page } = await openDashboard(sidecar);
    const reply = await page.evaluate(
      (id) =>
        new Promise((resolve) =>
          chrome.runtime.sendMessage(
            id,
            { type: 'sidecar.pair', url: 'ws://127.0.0.1:9/ws', token: 'stolen?' },
            resolve,
          ),
        ),
      browser.extensionId(),
    );
    expect(reply).toEqual({
      ok: false,
      error: { code: 'INVALID_PARAMS', message: expect.stringContaining('url must be') },
    });
    expect(await storedPairing()).toBe(null);
  });

  it('pairs from the dashboard; the panel connects, shows live events, and a click on a problem reaches the editor.open provider', async () => {
    // No tsconfig.json, so no language server starts: the problems come from the editor.
    const sidecar = await start({ sources: [createFilesSource(), createDiagnosticsSource({})] });
    const editor = await editorProvider(sidecar);
    try {
      const dashboard = await openDashboard(sidecar);
      await dashboard.page.getByRole('button', { name: 'Connect the DevTools extension' }).click();
      await dashboard.page.locator('#pairing-status', { hasText: 'Paired' }).waitFor();
      expect(await storedPairing()).toMatchObject({ url: sidecar.wsUrl, token: TEST_TOKEN });

      const { page, problems } = await browser.open(panelUrl());
      await connected(page);
      await page.locator('#pairing-notice', { hasText: `Paired with ${sidecar.wsUrl}` }).waitFor();
      await page.locator('#sources li[data-state="running"]', { hasText: /^files/ }).waitFor();

      await writeFile(join(sidecar.options.root, 'written-by-the-test.txt'), 'hello');
      const row = page.locator('#log-rows .log-row', { hasText: 'written-by-the-test.txt' });
      await row.first().waitFor();
      expect(await row.first().getAttribute('data-channel')).toBe('files');

      // The editor's own problem in a file of the workspace, published as an IDE extension
      // does (as the named server "vscode").
      await mkdir(join(sidecar.options.root, 'src'));
      await writeFile(
        join(sidecar.options.root, 'src/app.ts'),
        'export {};\n\n\n\nconst x = missing;\n',
      );
      await editor.client.publish('diagnostics', 'updated', {
        file: 'src/app.ts',
        server: 'vscode',
        diagnostics: [
          {
            range: { start: { line: 4, character: 10 }, end: { line: 4, character: 17 } },
            severity: 'error',
            message: 'Cannot find name "missing".',
            source: 'ts',
          },
        ],
      });
      await page.getByRole('tab', { name: /Diagnostics/ }).click();
      const problem = page
        .locator('#diagnostics-files [data-file="src/app.ts"] tr', {
          hasText: 'Cannot find name',
        })
        .first();
      await openInEditor(problem);
      await expect.poll(() => editor.opened).toEqual([{ file: 'src/app.ts', line: 5, column: 11 }]);

      // A check's problem: its row says the file too.
      sidecar.broadcaster.emit('validation', 'complete', {
        runId: 'run-1',
        tool: 'eslint',
        ok: false,
        exitCode: 1,
        durationMs: 5,
        problems: [
          {
            file: 'src/app.ts',
            line: 5,
            column: 7,
            severity: 'warning',
            message: "'x' is assigned a value but never used.",
            code: 'no-unused-vars',
          },
        ],
        cancelled: false,
        timedOut: false,
        truncated: false,
      });
      await page.getByRole('tab', { name: /Validation/ }).click();
      await openInEditor(
        page.locator('#validation-tools [data-tool="eslint"] tr', { hasText: 'never used' }),
      );
      await expect
        .poll(() => editor.opened)
        .toEqual([
          { file: 'src/app.ts', line: 5, column: 11 },
          { file: 'src/app.ts', line: 5, column: 7 },
        ]);
      expect(problems).toEqual([]);
    } finally {
      await editor.client.close();
    }
  });

  it('pairs again with another sidecar: the pairing is replaced and an open panel follows it', async () => {
    const first = await start();
    const second = await start();
    const pairFrom = async (sidecar: Sidecar) => {
      const { page } = await openDashboard(sidecar);
      await page.getByRole('button', { name: 'Connect the DevTools extension' }).click();
      await page.locator('#pairing-status', { hasText: 'Paired' }).waitFor();
    };
    await pairFrom(first);
    const { page, problems } = await browser.open(panelUrl());
    await connected(page);
    await page.locator('#pairing-notice', { hasText: `Paired with ${first.wsUrl}` }).waitFor();

    await pairFrom(second);
    await page.locator('#pairing-notice', { hasText: `Paired with ${second.wsUrl}` }).waitFor();
    await connected(page);
    await page.locator('#server-facts', { hasText: second.epoch }).waitFor();
    expect(problems).toEqual([]);
  });
});

/** Clicks a problem row's "open in editor" button (the dashboard view's own). */
async function openInEditor(row: import('playwright-core').Locator): Promise<void> {
  await row.getByRole('button', { name: /^Open .* in the editor$/ }).click();
}
