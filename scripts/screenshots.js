// @ts-check
/**
 * Takes the dashboard screenshots in docs/images/ (1280x800, light and dark): a real sidecar on
 * a small demo workspace (the real files source; demo stand-ins for the other channels, see
 * demo-sources.js), the page in Debian's Chromium, some activity, then one picture per scheme.
 *
 *   npm run screenshots            (builds first; CHROMIUM_PATH overrides /usr/bin/chromium)
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createFilesSource, startSidecar } from '../dist/index.js';
import { createDemoSources, DIAGNOSTICS, GIT_STATUS } from './demo-sources.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const IMAGES = fileURLToPath(new URL('../docs/images/', import.meta.url));
const VIEWPORT = { width: 1280, height: 800 };

const WORKSPACE = {
  'package.json': '{ "name": "acme-web", "private": true }\n',
  'src/api/client.ts': 'export async function fetchJson<T>(path: string): Promise<T> {}\n',
  'src/cart/Cart.tsx': 'export function Cart() {}\n',
  'src/cart/validate.ts': 'export function validate() {}\n',
  'src/checkout/submit.ts': 'export async function submit() {}\n',
};

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const scratch = await mkdtemp(join(tmpdir(), 'sidecar-screenshots-'));
const root = join(scratch, 'acme-web');
for (const [file, content] of Object.entries(WORKSPACE)) {
  await mkdir(dirname(join(root, file)), { recursive: true });
  await writeFile(join(root, file), content);
}
const demo = createDemoSources();
const sidecar = await startSidecar({
  root,
  port: 0,
  logLevel: 'warn',
  sources: [createFilesSource(), ...Object.values(demo)],
});
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  const page = await browser.newPage({ viewport: VIEWPORT, colorScheme: 'light' });
  await page.goto(sidecar.dashboardUrl);
  await page.locator('#connection-state[data-state="open"]').waitFor();

  // A developer at work: saves, a status change, diagnostics, a validation run, an AI answer.
  for (const file of ['src/cart/Cart.tsx', 'src/api/client.ts', 'src/cart/validate.ts']) {
    await writeFile(
      join(root, file),
      `${WORKSPACE[/** @type {keyof typeof WORKSPACE} */ (file)]}// edited\n`,
    );
    await sleep(150);
  }
  await writeFile(join(root, 'src/cart/validate.test.ts'), 'test("validates", () => {});\n');
  await sleep(150);
  demo.git.emit('status', GIT_STATUS);
  demo.git.emit('commit', {
    sha: GIT_STATUS.head.sha,
    subject: GIT_STATUS.head.subject,
    author: 'Dana Lee',
  });
  for (const update of DIAGNOSTICS) demo.diagnostics.emit('updated', update);
  demo.validation.emit('started', {
    runId: 'vitest-3',
    tool: 'vitest',
    trigger: 'change src/cart/validate.test.ts',
  });
  const answer = [
    'The error in src/api/client.ts comes from `process.env.API_URL`, which is ',
    '`string | undefined`. Check it once at start-up and pass a `string` on:\n\n',
    'const apiUrl = process.env.API_URL;\n',
    "if (!apiUrl) throw new Error('API_URL is not set');\n",
  ];
  for (const [index, chunk] of answer.entries()) {
    sidecar.publisher.publish({
      channel: 'ai-response',
      event: 'chunk',
      data: { id: 'chat-7f3a', chunk, index, finished: false },
    });
    await sleep(60);
  }
  sidecar.publisher.publish({
    channel: 'ai-response',
    event: 'done',
    data: {
      id: 'chat-7f3a',
      chunk: '',
      index: answer.length,
      finished: true,
      stopReason: 'end_turn',
      usage: { inputTokens: 412, outputTokens: 96 },
    },
  });
  await page.locator('#log-rows .log-row[data-channel="ai-response"][data-event="done"]').waitFor();
  await page.locator('#log-rows .log-row', { hasText: 'validate.test.ts' }).first().waitFor();

  // A search run from the page, as a user would, so its tab shows the result count.
  await page.getByRole('tab', { name: 'Search' }).click();
  await page.locator('#search-query').fill('fetchJson');
  await page.locator('#search-query').press('Enter');
  await page.locator('#search-status[data-state="done"]').waitFor();
  await page.getByRole('tab', { name: 'Events' }).click();
  await page.locator('#log-rows .log-row[data-channel="search"][data-event="done"]').waitFor();

  await page.screenshot({ path: join(IMAGES, 'dashboard-light.png') });

  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByRole('tab', { name: 'Diagnostics' }).click();
  await page.locator('#diagnostics-files [data-file="src/api/client.ts"]').waitFor();
  await page.screenshot({ path: join(IMAGES, 'dashboard-dark.png') });
  console.log(`wrote ${join('docs', 'images', 'dashboard-light.png')} and dashboard-dark.png`);
} finally {
  await browser.close();
  await sidecar.close();
  await rm(scratch, { recursive: true, force: true });
}
