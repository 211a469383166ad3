import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFilesSource } from '../../src/sources/files/index.js';
import { useTestSidecars } from '../support/server.js';
import { connectionState, useDashboard } from './browser.js';

const start = useTestSidecars();
const open = useDashboard();

/** The `data-key`s (epoch/channel/seq) of the log's rows. */
const rowKeys = (page: import('playwright-core').Page) =>
  page
    .locator('#log-rows tr[data-key]')
    .evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.key ?? ''));

describe('the dashboard in real Chromium', () => {
  it('connects with the token from the URL, hides it, and shows file events live', async () => {
    const sidecar = await start({ sources: [createFilesSource()] });
    const { page, problems } = await open(sidecar);
    // The token leaves the address bar but stays for this tab.
    expect(new URL(page.url()).searchParams.has('token')).toBe(false);
    expect(await page.evaluate(() => sessionStorage.getItem('sidecar-token'))).toBe(sidecar.token);
    await page.locator('#sources li[data-state="running"]', { hasText: 'files' }).waitFor();
    await page.locator('#server-facts', { hasText: sidecar.epoch }).waitFor();

    await writeFile(join(sidecar.options.root, 'from-the-test.txt'), 'hello');
    const row = page.locator('#log-rows tr', { hasText: 'from-the-test.txt' });
    await row.first().waitFor();
    expect(await row.first().getAttribute('data-channel')).toBe('files');
    expect(problems).toEqual([]);
  });

  it('says so when the token is wrong', async () => {
    const sidecar = await start();
    const { page } = await open(sidecar, { token: 'wrong-token-0123456789' });
    // A browser cannot see the 401, so the page keeps retrying and points at the token.
    await connectionState(page, /is the token in the URL right\?/);
  });

  it('filters, toggles channels, pauses and clears the log', async () => {
    const sidecar = await start();
    const { page, problems } = await open(sidecar);
    sidecar.broadcaster.emit('files', 'add', { file: 'src/alpha.ts', event: 'add' });
    sidecar.broadcaster.emit('files', 'add', { file: 'src/beta.ts', event: 'add' });
    sidecar.broadcaster.emit('system', 'shutdown', { reason: 'not really' });
    await page.locator('#log-rows tr', { hasText: 'src/beta.ts' }).waitFor();

    await page.locator('#log-filter').fill('alpha');
    await expect
      .poll(() => page.locator('#log-rows tr').allTextContents())
      .toEqual([expect.stringContaining('src/alpha.ts')]);
    await page.locator('#log-filter').fill('');
    await page.locator('#log-channels label', { hasText: 'files' }).locator('input').uncheck();
    await expect.poll(() => page.locator('#log-rows tr[data-channel="files"]').count()).toBe(0);
    await page.locator('#log-rows tr[data-channel="system"]').first().waitFor();
    await page.locator('#log-channels label', { hasText: 'files' }).locator('input').check();
    await expect.poll(() => page.locator('#log-rows tr[data-channel="files"]').count()).toBe(2);

    await page.locator('#log-pause').click();
    expect(await page.locator('#log-pause').getAttribute('aria-pressed')).toBe('true');
    sidecar.broadcaster.emit('files', 'add', { file: 'src/gamma.ts', event: 'add' });
    await page.locator('#log-status', { hasText: 'paused, 1 waiting' }).waitFor();
    expect(await page.locator('#log-rows tr', { hasText: 'src/gamma.ts' }).count()).toBe(0);
    await page.locator('#log-pause').click();
    await page.locator('#log-rows tr', { hasText: 'src/gamma.ts' }).waitFor();

    await page.locator('#log-clear').click();
    await expect.poll(() => page.locator('#log-rows tr').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('stays responsive through a burst of 5,000 file events and keeps at most 1,000 rows', async () => {
    const sidecar = await start();
    const { page, problems } = await open(sidecar);
    for (let i = 0; i < 5000; i++) {
      sidecar.broadcaster.emit('files', 'change', { file: `burst/f${i}.txt`, event: 'change' });
    }
    await page.locator('#log-rows tr', { hasText: 'burst/f4999.txt' }).waitFor();
    // The page still runs scripts and answers clicks, and the oldest rows were dropped.
    expect(await page.evaluate(() => 6 * 7)).toBe(42);
    await page.locator('#log-pause').click();
    expect(await page.locator('#log-pause').getAttribute('aria-pressed')).toBe('true');
    const rows = await page.locator('#log-rows tr').count();
    expect(rows).toBeLessThanOrEqual(1000);
    expect(rows).toBeGreaterThan(0);
    expect(await page.locator('#log-rows tr', { hasText: 'burst/f0.txt' }).count()).toBe(0);
    await page.locator('#log-status', { hasText: '5,000 received' }).waitFor();
    expect(problems).toEqual([]);
  });

  it('shows "reconnecting" while the server is down and "connected" again, without duplicated rows', async () => {
    const first = await start({ sources: [createFilesSource()] });
    const root = first.options.root;
    const { page, problems } = await open(first);
    await page.locator('#sources li[data-state="running"]', { hasText: 'files' }).waitFor();
    await writeFile(join(root, 'before.txt'), 'one');
    await page.locator('#log-rows tr', { hasText: 'before.txt' }).waitFor();

    await first.close();
    await connectionState(page, /^reconnecting/);

    const second = await start({
      root,
      port: first.port,
      strictPort: true,
      sources: [createFilesSource()],
    });
    await connectionState(page, 'connected');
    await page.locator('#server-facts', { hasText: second.epoch }).waitFor();
    await page.locator('#sources li[data-state="running"]', { hasText: 'files' }).waitFor();
    await writeFile(join(root, 'after.txt'), 'two');
    await page.locator('#log-rows tr', { hasText: 'after.txt' }).waitFor();

    expect(await page.locator('#log-rows tr', { hasText: 'before.txt' }).count()).toBe(1);
    expect(await page.locator('#log-rows tr', { hasText: 'after.txt' }).count()).toBe(1);
    const keys = await rowKeys(page);
    expect(new Set(keys).size).toBe(keys.length);
    // The restart is visible in the log: the second server's events carry its epoch.
    expect(keys.some((key) => key.startsWith(`${first.epoch}/`))).toBe(true);
    expect(keys.some((key) => key.startsWith(`${second.epoch}/`))).toBe(true);
    expect(problems).toEqual([]);
  });

  it('is keyboard reachable: Tab through the controls, arrow keys between views', async () => {
    const sidecar = await start();
    const { page, problems } = await open(sidecar);
    const focused = () =>
      page.evaluate(() => {
        const element = document.activeElement as HTMLElement | null;
        return element?.id || element?.getAttribute('aria-label') || element?.textContent || '';
      });
    const reached: string[] = [];
    for (let i = 0; i < 20 && !reached.includes('log-clear'); i++) {
      await page.keyboard.press('Tab');
      reached.push(await focused());
    }
    // The tab list is one stop, then the Events view's controls in reading order.
    expect(reached).toEqual(
      expect.arrayContaining(['tab-events', 'log-filter', 'log-pause', 'log-clear']),
    );
    expect(reached.indexOf('tab-events')).toBeLessThan(reached.indexOf('log-filter'));
    expect(reached.filter((id) => id.startsWith('tab-'))).toEqual(['tab-events']);
    // Every focused control shows a focus ring.
    expect(
      await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle),
    ).not.toBe('none');

    await page.locator('#tab-events').focus();
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe('tab-diagnostics');
    expect(await page.locator('#panel-diagnostics').isVisible()).toBe(true);
    expect(await page.locator('#panel-events').isVisible()).toBe(false);
    await page.keyboard.press('End');
    expect(await focused()).toBe('tab-ai');
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe('tab-events');
    // The chosen view is kept in the URL, so a reload opens it again.
    await page.keyboard.press('ArrowLeft');
    expect(new URL(page.url()).hash).toBe('#ai');
    expect(problems).toEqual([]);
  });

  it('fits a narrow devtools-docked width without sideways scrolling', async () => {
    const sidecar = await start({ sources: [createFilesSource()] });
    const { page, problems } = await open(sidecar, { viewport: { width: 400, height: 800 } });
    await writeFile(join(sidecar.options.root, `${'long-name-'.repeat(20)}.txt`), 'x');
    await page.locator('#log-rows tr', { hasText: 'long-name-' }).waitFor();
    for (const view of ['events', 'diagnostics', 'search', 'validation', 'ai']) {
      await page.locator(`#tab-${view}`).click();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        400,
      );
    }
    expect(problems).toEqual([]);
  });
});
