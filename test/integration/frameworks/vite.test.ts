/**
 * `sidecar/vite` in a real Vite dev server, opened in real Chromium: a type error appears in the
 * overlay and goes when fixed, Vite's HMR keeps updating the page, and the token never shows in
 * a URL the page requests.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../../src/client/index.js';
import sidecar from '../../../src/integrations/vite/index.js';
import { readDiscovery } from '../../../src/server/discovery.js';
import { createDiagnosticsSource } from '../../../src/sources/diagnostics/index.js';
import { createFilesSource } from '../../../src/sources/files/index.js';
import { makeTempDir, TEST_TOKEN, waitFor } from '../../support/server.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../dashboard/browser.js';

const PROJECT: Record<string, string> = {
  'index.html':
    '<!doctype html><html><body><p id="message"></p><script type="module" src="/main.ts"></script></body></html>',
  'main.ts':
    "import { message } from './message.ts';\ndocument.querySelector('#message')!.textContent = message;\nimport.meta.hot?.accept();\n",
  'message.ts': "export const message: string = 'first';\n",
  'hot.d.ts': 'interface ImportMeta { readonly hot?: { accept(): void } }\n',
  'tsconfig.json': JSON.stringify({
    compilerOptions: {
      strict: true,
      target: 'ES2022',
      module: 'ESNext',
      moduleResolution: 'Bundler',
      allowImportingTsExtensions: true,
      noEmit: true,
      lib: ['ES2022', 'DOM'],
      types: [],
    },
    include: ['*.ts'],
  }),
};

let root: string;
let discoveryDir: string;
let vite: ViteDevServer;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: set CHROMIUM_PATH`);
  root = await makeTempDir('sidecar-vite-');
  discoveryDir = await makeTempDir('sidecar-vite-discovery-');
  for (const [file, text] of Object.entries(PROJECT)) {
    await mkdir(join(root, file, '..'), { recursive: true });
    await writeFile(join(root, file), text);
  }
  vite = await createServer({
    root,
    configFile: false,
    logLevel: 'silent',
    server: { port: 0, host: '127.0.0.1', strictPort: false },
    plugins: [
      sidecar({
        token: TEST_TOKEN,
        logLevel: 'silent',
        discovery: { dir: discoveryDir },
        sources: [createFilesSource(), createDiagnosticsSource()],
      }),
    ],
  });
  await vite.listen();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await vite?.close();
  if (root) await rm(root, { recursive: true, force: true });
  if (discoveryDir) await rm(discoveryDir, { recursive: true, force: true });
});

function vitePort(): number {
  if (!vite.httpServer) throw new Error('vite has no http server');
  return (vite.httpServer.address() as AddressInfo).port;
}

describe('sidecar/vite', () => {
  it('shows a type error in the overlay until it is fixed, and HMR keeps working', async () => {
    const port = vitePort();
    const page = await browser.newPage();
    page.setDefaultTimeout(60_000);
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    page.on('websocket', (socket) => requested.push(socket.url()));
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));

    await page.goto(`http://127.0.0.1:${port}/`);
    await expect.poll(() => page.locator('#message').textContent()).toBe('first');
    const overlay = page.locator('sidecar-overlay section');
    await expect.poll(() => overlay.isHidden()).toBe(true);

    // HMR: editing a module updates the page, with the sidecar's socket open beside Vite's.
    await writeFile(join(root, 'message.ts'), "export const message: string = 'second';\n");
    await expect
      .poll(() => page.locator('#message').textContent(), { timeout: 60_000 })
      .toBe('second');

    await writeFile(join(root, 'message.ts'), 'export const message: string = 42;\n');
    await overlay.filter({ hasText: 'message.ts:1:14' }).waitFor({ state: 'visible' });
    expect(await overlay.textContent()).toMatch(/not assignable to type 'string'/);

    // A click on the problem reaches the editor that provides editor.open, at that position.
    const editor = connect({
      url: `ws://127.0.0.1:${port}/__sidecar/ws`,
      token: TEST_TOKEN,
      reconnect: false,
    });
    try {
      const opened: unknown[] = [];
      await editor.provide('editor.open', (params) => {
        opened.push(params);
        return { opened: true };
      });
      await page.locator('sidecar-overlay button', { hasText: 'message.ts:1:14' }).click();
      await expect.poll(() => opened).toEqual([{ file: 'message.ts', line: 1, column: 14 }]);
    } finally {
      editor.close();
    }

    await writeFile(join(root, 'message.ts'), "export const message: string = 'fixed';\n");
    await overlay.waitFor({ state: 'hidden' });
    await expect.poll(() => page.locator('#message').textContent()).toBe('fixed');

    expect(requested.some((url) => url.includes('/__sidecar/ws'))).toBe(true);
    expect(requested.filter((url) => url.includes(TEST_TOKEN))).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
    // A language server's first check on a shared machine: generous, never a timing assertion.
  }, 180_000);

  it('names its URLs under /__sidecar/ in the discovery record, where tools find it', async () => {
    const port = vitePort();
    const record = await waitFor(() => readDiscovery(root, discoveryDir), {
      message: 'the discovery record',
    });
    expect(record?.url).toBe(`http://127.0.0.1:${port}/__sidecar`);
    expect(record?.wsUrl).toBe(`ws://127.0.0.1:${port}/__sidecar/ws`);
    const client = connect({ url: `${record?.wsUrl}`, token: TEST_TOKEN, reconnect: false });
    try {
      const info = await client.request('server.info');
      expect(info.root).toBe(root);
    } finally {
      client.close();
    }
  });

  it('hands the token only to same-origin requests', async () => {
    const port = vitePort();
    const health = await fetch(`http://127.0.0.1:${port}/__sidecar/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
    const plain = await fetch(`http://127.0.0.1:${port}/__sidecar/token`);
    expect(plain.status).toBe(403);
    const crossSite = await fetch(`http://127.0.0.1:${port}/__sidecar/token`, {
      headers: { 'Sec-Fetch-Site': 'cross-site', Origin: 'http://localhost:3000' },
    });
    expect(crossSite.status).toBe(403);
  });
});
