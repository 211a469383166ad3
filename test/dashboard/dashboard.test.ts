import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFilesSource } from '../../src/sources/files/index.js';
import { useTestSidecars } from '../support/server.js';

// Debian's Chromium, installed by .ci/run; the test fails (never skips) without it.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const start = useTestSidecars();
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium or set CHROMIUM_PATH`);
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
});

describe('the built-in page in real Chromium', () => {
  it('connects with the token from the URL, hides it, and shows file events live', async () => {
    const sidecar = await start({ sources: [createFilesSource()] });
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });

    await page.goto(sidecar.dashboardUrl);
    await page.locator('#state', { hasText: 'connected' }).waitFor();
    // The token leaves the address bar but stays for this tab.
    expect(new URL(page.url()).searchParams.has('token')).toBe(false);
    expect(await page.evaluate(() => sessionStorage.getItem('sidecar-token'))).toBe(sidecar.token);
    await page.locator('#sources', { hasText: 'files: running' }).waitFor();

    await writeFile(join(sidecar.options.root, 'from-the-test.txt'), 'hello');
    await page.locator('#rows tr', { hasText: 'from-the-test.txt' }).first().waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });

  it('says so when the token is wrong', async () => {
    const sidecar = await start();
    const page = await browser.newPage();
    await page.goto(`${sidecar.url}/?token=wrong-token-0123456789`);
    // A browser cannot see the 401, so the page keeps retrying and points at the token.
    await page.locator('#state', { hasText: 'is the token in the URL right?' }).waitFor();
    await page.close();
  });
});
