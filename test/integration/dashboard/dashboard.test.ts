import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDiagnosticsSource } from '../../../src/sources/diagnostics/index.js';
import { createFilesSource } from '../../../src/sources/files/index.js';
import { createGitSource } from '../../../src/sources/git/index.js';
import { useTestSidecars } from '../../support/server.js';
import { connectionState, openTab, useDashboard } from './browser.js';

const start = useTestSidecars();
const open = useDashboard();

describe('the dashboard in real Chromium', () => {
  it('connects with the token from the URL, hides it, and shows file events live', async () => {
    const sidecar = await start({ sources: [createFilesSource()] });
    const { page, problems } = await open(sidecar);
    // The token leaves the address bar but stays for this tab.
    const visibleUrl = new URL(await page.evaluate(() => location.href));
    expect(visibleUrl.searchParams.has('token')).toBe(false);
    expect(visibleUrl.pathname).toBe('/');
    expect(await page.evaluate(() => sessionStorage.getItem('sidecar-token'))).toBe(sidecar.token);
    await page.locator('#sources li[data-state="running"]', { hasText: /^files/ }).waitFor();
    await page.locator('#server-facts', { hasText: sidecar.epoch }).waitFor();

    await writeFile(join(sidecar.options.root, 'from-the-test.txt'), 'hello');
    const row = page.locator('#log-rows .log-row', { hasText: 'from-the-test.txt' });
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
    await page.locator('#log-rows .log-row', { hasText: 'src/beta.ts' }).waitFor();

    await page.locator('#log-filter').fill('alpha');
    await expect
      .poll(() => page.locator('#log-rows .log-row').allTextContents())
      .toEqual([expect.stringContaining('src/alpha.ts')]);
    await page.locator('#log-filter').fill('');
    await page.locator('#log-channels label', { hasText: 'files' }).locator('input').uncheck();
    await expect
      .poll(() => page.locator('#log-rows .log-row[data-channel="files"]').count())
      .toBe(0);
    await page.locator('#log-rows .log-row[data-channel="system"]').first().waitFor();
    await page.locator('#log-channels label', { hasText: 'files' }).locator('input').check();
    await expect
      .poll(() => page.locator('#log-rows .log-row[data-channel="files"]').count())
      .toBe(2);

    await page.locator('#log-pause').click();
    expect(await page.locator('#log-pause').getAttribute('aria-pressed')).toBe('true');
    sidecar.broadcaster.emit('files', 'add', { file: 'src/gamma.ts', event: 'add' });
    await page.locator('#log-status', { hasText: 'paused, 1 waiting' }).waitFor();
    expect(await page.locator('#log-rows .log-row', { hasText: 'src/gamma.ts' }).count()).toBe(0);
    await page.locator('#log-pause').click();
    await page.locator('#log-rows .log-row', { hasText: 'src/gamma.ts' }).waitFor();

    await page.locator('#log-clear').click();
    await expect.poll(() => page.locator('#log-rows .log-row').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('stays responsive through a burst of 5,000 file events and keeps at most 1,000 rows', async () => {
    const sidecar = await start();
    const { page, problems } = await open(sidecar);
    for (let i = 0; i < 5000; i++) {
      sidecar.broadcaster.emit('files', 'change', { file: `burst/f${i}.txt`, event: 'change' });
    }
    await page.locator('#log-rows .log-row', { hasText: 'burst/f4999.txt' }).waitFor();
    // The page still runs scripts and answers clicks.
    expect(await page.evaluate(() => 6 * 7)).toBe(42);
    await page.locator('#log-pause').click();
    expect(await page.locator('#log-pause').getAttribute('aria-pressed')).toBe('true');
    // At most 1,000 entries are kept, the newest; only the rows in view are in the page.
    await page.locator('#log-status', { hasText: '1,000 kept' }).waitFor();
    expect(await page.locator('#log-rows .log-row').count()).toBeLessThan(100);
    await page.locator('#log-filter').fill('burst/f4000.txt');
    await page.locator('#log-status', { hasText: /^1 shown/ }).waitFor();
    await page.locator('#log-filter').fill('burst/f3999.txt');
    await page.locator('#log-status', { hasText: /^0 shown/ }).waitFor();
    expect(await page.locator('#log-rows .log-row').count()).toBe(0);
    // The events, and the editor channel's snapshot (no editor: an empty state).
    await page.locator('#log-status', { hasText: '5,001 received' }).waitFor();
    expect(problems).toEqual([]);
  });

  it('shows the newest events when the Events view comes back from another view', async () => {
    const sidecar = await start();
    const { page, problems } = await open(sidecar);
    await openTab(page, 'Diagnostics');
    for (let i = 0; i < 200; i++) {
      sidecar.broadcaster.emit('files', 'add', { file: `away/f${i}.txt`, event: 'add' });
    }
    // The events, and the editor channel's snapshot.
    await page.locator('#log-status', { hasText: '201 received' }).waitFor({ state: 'attached' });
    await openTab(page, 'Events');
    await page.locator('#log-rows .log-row', { hasText: 'away/f199.txt' }).waitFor();
    expect(problems).toEqual([]);
  });

  it('keeps the rows a reader scrolled to in place while old ones are dropped', async () => {
    const sidecar = await start();
    const { page, problems } = await open(sidecar);
    const emitFiles = (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        sidecar.broadcaster.emit('files', 'change', { file: `read/f${i}.txt`, event: 'change' });
      }
    };
    const received = async () =>
      Number(
        (await page.locator('#log-status').textContent())
          ?.match(/([\d,]+) received/)?.[1]
          ?.replace(/,/g, ''),
      );
    const rowAtTop = () =>
      page.evaluate(() => {
        const box = document
          .querySelector('#panel-events [role="rowgroup"][tabindex]')!
          .getBoundingClientRect();
        return (
          document.elementFromPoint(box.left + 300, box.top + 5)?.closest('.log-row')
            ?.textContent ?? ''
        );
      });
    emitFiles(0, 1000);
    await page.locator('#log-rows .log-row', { hasText: 'read/f999.txt' }).waitFor();
    await page.locator('#log-status', { hasText: '1,000 kept' }).waitFor();
    const before = await received();
    // Scroll up until read/f900.txt is the first row in view.
    await page.evaluate(() => {
      const scroller = document.querySelector('#panel-events [role="rowgroup"][tabindex]')!;
      scroller.scrollTop = 900 * 20;
    });
    await expect.poll(rowAtTop).toContain('read/f900.txt');

    emitFiles(1000, 1050); // the 50 oldest kept entries are dropped
    await expect.poll(received).toBe(before + 50);
    await page.locator('#log-status', { hasText: '1,000 kept' }).waitFor();
    await expect.poll(rowAtTop).toContain('read/f900.txt');
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
    expect(await page.evaluate(() => location.hash)).toBe('#ai');
    expect(problems).toEqual([]);
  });

  it('says why a channel is quiet: its source cannot run here, or no source feeds it', async () => {
    // A plain folder: not a git repository, no tsconfig.json.
    const sidecar = await start({ sources: [createGitSource(), createDiagnosticsSource()] });
    const { page, problems } = await open(sidecar);
    await page
      .locator('#git-view .notice', { hasText: 'git is unavailable: not a git repository' })
      .waitFor();
    await page
      .locator('#sources li[data-state="unavailable"]', { hasText: 'not a git repository' })
      .waitFor();
    await openTab(page, 'Diagnostics');
    await page
      .locator('#panel-diagnostics .notice', {
        hasText: 'diagnostics is unavailable: no language server for this workspace',
      })
      .waitFor();
    await openTab(page, 'Validation');
    await page
      .locator('#panel-validation .notice', {
        hasText: 'No validation source runs on this server (it offers no validation.run method).',
      })
      .waitFor();
    expect(problems).toEqual([]);
  });

  it('fits a narrow devtools-docked width without sideways scrolling', async () => {
    const sidecar = await start({ sources: [createFilesSource()] });
    const { page, problems } = await open(sidecar, { viewport: { width: 400, height: 800 } });
    await writeFile(join(sidecar.options.root, `${'long-name-'.repeat(20)}.txt`), 'x');
    await page.locator('#log-rows .log-row', { hasText: 'long-name-' }).waitFor();
    for (const view of ['events', 'diagnostics', 'search', 'validation', 'ai']) {
      await page.locator(`#tab-${view}`).click();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        400,
      );
    }
    expect(problems).toEqual([]);
  });
});
