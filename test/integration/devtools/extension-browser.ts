import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page, type Worker } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { makeTempDir } from '../../support/server.js';
import { CHROMIUM, CHROMIUM_ARGS, collectProblems } from '../dashboard/browser.js';

/** The loadable extension, as `npm run build` makes it. */
export const EXTENSION_DIR = fileURLToPath(
  new URL('../../../extensions/devtools/dist', import.meta.url),
);

/** The id docs/integrations.md gives and the dashboard knows. */
export const DOCUMENTED_EXTENSION_ID = 'kegjabieoohmgmcoimljloilkdhnlnbe';

/**
 * Chromium's id for an extension with this manifest `key`: the SHA-256 of the public key,
 * first 32 hex digits, each written as a letter from a to p.
 */
export function extensionIdFromKey(key: string): string {
  const hex = createHash('sha256').update(Buffer.from(key, 'base64')).digest('hex').slice(0, 32);
  return [...hex].map((digit) => String.fromCharCode(97 + Number.parseInt(digit, 16))).join('');
}

export async function readManifest(): Promise<{ key: string; [field: string]: unknown }> {
  return JSON.parse(await readFile(`${EXTENSION_DIR}/manifest.json`, 'utf8'));
}

/** The part of an extension page's `chrome` global these tests use. */
export interface ChromeStorage {
  chrome: { storage: { local: { clear(): Promise<void> } } };
}

export interface ExtensionPage {
  page: Page;
  /** Page errors and console errors seen so far; a test ends by expecting none it did not cause. */
  problems: string[];
}

export interface ExtensionBrowser {
  /** The id Chromium gave the loaded extension, read from its service worker. */
  extensionId(): string;
  /** A fresh tab at `url` (closed after the test). */
  open(url: string): Promise<ExtensionPage>;
}

/**
 * For a test file: one Chromium with the unpacked extension loaded, in a fresh profile (so each
 * file starts unpaired). Extensions load only in a persistent context, and headless only in
 * the new headless mode, so the mode is chosen by flag rather than by Playwright's `headless`.
 */
export function useExtensionBrowser(): ExtensionBrowser {
  let context: BrowserContext;
  let profile: string;
  let id = '';
  let worker: Worker;
  let pages: Page[] = [];
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium or set CHROMIUM_PATH`);
    }
    if (!existsSync(`${EXTENSION_DIR}/manifest.json`)) {
      throw new Error('the DevTools extension is not built: run `npm run build`');
    }
    profile = await makeTempDir('sidecar-devtools-profile-');
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: false,
      args: [
        '--headless=new',
        ...CHROMIUM_ARGS.filter((arg) => arg !== '--headless'),
        `--disable-extensions-except=${EXTENSION_DIR}`,
        `--load-extension=${EXTENSION_DIR}`,
      ],
    });
    worker =
      context
        .serviceWorkers()
        .find((candidate) => candidate.url().startsWith('chrome-extension:')) ??
      (await context.waitForEvent('serviceworker', { timeout: 20_000 }));
    id = new URL(worker.url()).host;
  });
  afterEach(async () => {
    await Promise.all(pages.map((page) => page.close()));
    pages = [];
    // Each test starts unpaired: the pairing lives in the extension's storage, not in a page.
    // (Cleared from the service worker: a panel page reloads on a change of it.)
    await worker.evaluate(() =>
      (globalThis as unknown as ChromeStorage).chrome.storage.local.clear(),
    );
  });
  afterAll(async () => {
    await context?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });
  return {
    extensionId: () => id,
    async open(url) {
      const page = await context.newPage();
      pages.push(page);
      // Shorter than the test's own timeout, so a missing element is reported as such.
      page.setDefaultTimeout(15_000);
      const problems = collectProblems(page);
      await page.goto(url);
      return { page, problems };
    },
  };
}
