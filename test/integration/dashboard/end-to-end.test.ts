/**
 * The end-to-end check, as a developer does it: `sidecar serve` (the built CLI, with
 * its built-in sources), open the URL it prints, see a file's change live, run a search, stop
 * the server, start it again, and find the page connected again with no row twice.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCli } from '../../support/cli.js';
import { connectionState, type DashboardTarget, openTab, useDashboard } from './browser.js';

const { serve } = useCli();
const open = useDashboard();

const target = (printedUrl: string): DashboardTarget => ({
  dashboardUrl: printedUrl,
  url: new URL(printedUrl).origin,
});

/** The `data-key`s (epoch/channel/seq) of the log's rows. */
const rowKeys = (page: import('playwright-core').Page) =>
  page
    .locator('#log-rows .log-row[data-key]')
    .evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.key ?? ''));

describe('the dashboard of `sidecar serve`, end to end', () => {
  it('opens from the printed URL, shows file events and search results, and reconnects after a restart with no duplicated rows', async () => {
    const first = await serve(['--port', '0', '--log-level', 'warn']);
    expect(first.dashboard).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    const { page, problems } = await open(target(first.dashboard));
    await page.locator('#sources li[data-state="running"]', { hasText: /^files/ }).waitFor();

    await writeFile(join(first.root, 'before.txt'), 'one haystack, one needle\n');
    await page.locator('#log-rows .log-row', { hasText: 'before.txt' }).waitFor();

    await page.locator('#sources li[data-state="running"]', { hasText: 'search' }).waitFor();
    await openTab(page, 'Search');
    await page.locator('#search-query').fill('needle');
    await page.locator('#search-query').press('Enter');
    await page.locator('#search-status', { hasText: '1 result in 1 file' }).waitFor();
    await page
      .locator('#search-results [data-file="before.txt"] mark', { hasText: 'needle' })
      .waitFor();
    await openTab(page, 'Events');

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    await connectionState(page, /^reconnecting/);

    // The same port and token, as a developer restarting `sidecar serve --port N` would have.
    const second = await serve(
      ['--port', new URL(first.dashboard).port, '--strict-port', '--token', first.token],
      { root: first.root, runtimeDir: first.runtimeDir },
    );
    expect(second.dashboard).toBe(first.dashboard);
    await connectionState(page, 'connected');
    await page.locator('#sources li[data-state="running"]', { hasText: /^files/ }).waitFor();
    await writeFile(join(first.root, 'after.txt'), 'two');
    await page.locator('#log-rows .log-row', { hasText: 'after.txt' }).waitFor();

    // Each file's add shows once, whatever the replay after the restart sent again. (A write
    // still under way when its add went out is followed by a change, a row of its own.)
    const adds = (file: string) =>
      page
        .locator('#log-rows .log-row[data-channel="files"][data-event="add"]', { hasText: file })
        .count();
    expect(await adds('before.txt')).toBe(1);
    expect(
      await page.locator('#log-rows .log-row[data-channel="search"][data-event="done"]').count(),
    ).toBe(1);
    expect(await adds('after.txt')).toBe(1);
    const keys = await rowKeys(page);
    expect(new Set(keys).size).toBe(keys.length);
    // The restart is visible in the log: one line says so, and the two servers' events carry
    // their own epochs.
    expect(await page.locator('#log-rows .log-row[data-event="gap"]').allTextContents()).toEqual([
      expect.stringContaining('the server restarted'),
    ]);
    expect(new Set(keys.map((key) => key.split('/')[0])).size).toBe(2);
    // Chromium logs each connection refused while the server is down; nothing else went wrong.
    const refused = /^WebSocket connection to .* failed: .*ERR_CONNECTION_REFUSED$/;
    expect(problems.filter((problem) => !refused.test(problem))).toEqual([]);
  });
});
