/**
 * `sidecar/react` in real Chromium: a React app (`app.tsx`, bundled here with esbuild, run in
 * StrictMode) served from its own origin, against a real sidecar with the files source and
 * typescript-language-server. A file edit and a type error reach the rendered DOM, a custom
 * event reaches `useChannel`, StrictMode's double mount subscribes each channel once, and an
 * unmount unsubscribes.
 */

import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiagnosticsSource } from '../../../src/sources/diagnostics/index.js';
import { createFilesSource } from '../../../src/sources/files/index.js';
import { useTempWorkspaces } from '../../sources/diagnostics/harness.js';
import { TEST_TOKEN, useTestSidecars } from '../../support/server.js';
import { linkProjectPackage } from '../../support/workspace-tools.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../dashboard/browser.js';

const workspace = useTempWorkspaces();
const start = useTestSidecars();
/** tsserver can take this long to load a project while other tests run beside it. */
const SLOW = { timeout: 90_000 };

let browser: Browser;
let bundle: string;
const servers: Server[] = [];

beforeAll(async () => {
  const result = await build({
    entryPoints: [join(dirname(fileURLToPath(import.meta.url)), 'app.tsx')],
    bundle: true,
    write: false,
    format: 'esm',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"development"' },
    // Loaded only in Node, where no global WebSocket exists.
    external: ['ws'],
    logLevel: 'silent',
  });
  bundle = result.outputFiles[0]?.text ?? '';
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});
afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

/**
 * Serves the page and the bundle from an origin of its own, so the sidecar must allow it;
 * `config` is read per request, so the sidecar can start after the origin is known.
 */
async function servePage(config: { url: string; token: string }): Promise<string> {
  const server = createServer((request, response) => {
    const js = request.url === '/app.js';
    response.writeHead(200, { 'content-type': js ? 'text/javascript' : 'text/html' });
    response.end(
      js
        ? bundle
        : `<!doctype html><meta charset="utf-8"><div id="root"></div>
<script>window.SIDECAR = ${JSON.stringify(config)};
window.SENT = [];
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (data) { window.SENT.push(JSON.parse(data)); return send.call(this, data); };
</script><script type="module" src="/app.js"></script>`,
    );
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('sidecar/react in Chromium', () => {
  it('renders file edits, type errors and custom events; subscribes once; unmount unsubscribes', async () => {
    const root = await workspace(
      {
        'tsconfig.json': JSON.stringify({
          compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext', noEmit: true },
          include: ['src'],
        }),
        'src/ok.ts': 'export const one: number = 1;\n',
      },
      'sidecar-react-',
    );
    await linkProjectPackage(root, 'typescript');
    const config = { url: '', token: TEST_TOKEN };
    const origin = await servePage(config);
    const sidecar = await start({
      root,
      allowOrigins: [origin],
      sources: [createFilesSource(), createDiagnosticsSource()],
    });
    config.url = sidecar.wsUrl;
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.goto(origin);
    await page.locator('#state', { hasText: /^open$/ }).waitFor();
    await page.locator('#clients', { hasText: /^\d+$/ }).waitFor();

    await writeFile(join(root, 'src/ok.ts'), 'export const one: number = 2;\n');
    await page.locator('#files li', { hasText: 'change src/ok.ts' }).waitFor();

    await writeFile(join(root, 'src/broken.ts'), "export const two: number = 'two';\n");
    await page.locator('#problems li', { hasText: 'src/broken.ts:1' }).waitFor(SLOW);
    await page.locator('#summary', { hasText: '1 errors' }).waitFor();
    await writeFile(join(root, 'src/broken.ts'), 'export const two: number = 2;\n');
    await page.locator('#summary', { hasText: '0 errors' }).waitFor(SLOW);

    sidecar.broadcaster.emit('custom:test', 'hello', { n: 1 });
    await page.locator('#custom', { hasText: '{"n":1}' }).waitFor();

    // StrictMode mounted every component twice: still one subscription per channel.
    const sent = (await page.evaluate('window.SENT')) as { type: string; channels?: string[] }[];
    const subscribed = sent.filter((m) => m.type === 'subscribe').flatMap((m) => m.channels ?? []);
    expect(subscribed.sort()).toEqual(['custom:test', 'diagnostics', 'files']);
    expect(sent.filter((m) => m.type === 'unsubscribe')).toEqual([]);

    await page.locator('#toggle-files').click();
    await expect
      .poll(async () =>
        ((await page.evaluate('window.SENT')) as { type: string; channels?: string[] }[]).filter(
          (m) => m.type === 'unsubscribe',
        ),
      )
      .toEqual([expect.objectContaining({ channels: ['files'] })]);
    expect(problems).toEqual([]);
    await page.close();
  }, 180_000);
});
