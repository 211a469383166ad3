import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Sidecar } from '../../../src/app/sidecar.js';

/** What the page is opened from: a sidecar, or the URL a `sidecar serve` printed. */
export type DashboardTarget = Pick<Sidecar, 'dashboardUrl' | 'url'>;

// Debian's Chromium, installed by .ci/run; the tests fail (never skip) without it.
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
];

export interface DashboardPage {
  page: Page;
  /** Page errors and console errors seen so far; a test ends by expecting none. */
  problems: string[];
}

export interface DashboardOptions {
  viewport?: { width: number; height: number };
  /** Appended to the URL, e.g. `#search` to open that view. */
  hash?: string;
  /** Open with this token instead of the sidecar's, and do not wait for "connected". */
  token?: string;
}

/**
 * For a test file: one Chromium for all its tests, and `open(sidecar)` that opens the printed
 * dashboard URL in a fresh page (closed after each test) and waits for "connected".
 */
export function useDashboard(): (
  sidecar: DashboardTarget,
  options?: DashboardOptions,
) => Promise<DashboardPage> {
  let browser: Browser;
  let pages: Page[] = [];
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium or set CHROMIUM_PATH`);
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  afterEach(async () => {
    await Promise.all(pages.map((page) => page.close()));
    pages = [];
  });
  afterAll(async () => {
    await browser?.close();
  });
  return async (sidecar, options = {}) => {
    const page = await browser.newPage({
      viewport: options.viewport ?? { width: 1280, height: 800 },
    });
    pages.push(page);
    // Shorter than the test's own timeout, so a missing element is reported as such.
    page.setDefaultTimeout(15_000);
    const problems = collectProblems(page);
    if (options.token !== undefined) {
      await page.goto(`${sidecar.url}/?token=${encodeURIComponent(options.token)}`);
    } else {
      await page.goto(`${sidecar.dashboardUrl}${options.hash ?? ''}`);
      await connectionState(page, 'connected');
    }
    return { page, problems };
  };
}

/** Waits until the header says exactly `state` ("connected", not "connecting…"). */
export async function connectionState(page: Page, state: string | RegExp): Promise<void> {
  const text = typeof state === 'string' ? new RegExp(`^${state}$`) : state;
  await page.locator('#connection-state', { hasText: text }).waitFor();
}

/** Opens a view by its tab, as a mouse user would. */
export async function openTab(page: Page, name: string): Promise<void> {
  await page.getByRole('tab', { name }).click();
  await expect
    .poll(() => page.getByRole('tab', { name }).getAttribute('aria-selected'))
    .toBe('true');
}

/** The page's uncaught errors and console errors, as they come: a test expects none. */
export function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  return problems;
}
