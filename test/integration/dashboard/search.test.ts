/**
 * The search view against the real search source: searches typed in the page, results
 * streamed in as the engine finds them, Cancel, and the errors a request can get.
 */
import { describe, expect, it } from 'vitest';
import { createSearchSource } from '../../../src/sources/search/index.js';
import { useTempWorkspaces } from '../../sources/diagnostics/harness.js';
import { useTestSidecars } from '../../support/server.js';
import { useDashboard } from './browser.js';

// Declared in this order so that, after each test, pages close, then sidecars, then roots go.
const workspace = useTempWorkspaces();
const start = useTestSidecars();
const open = useDashboard();

const FILES = {
  'src/app.ts': 'const total = 1;\n// TODO: remove the debug log\nconsole.log(total);\n',
  'src/util.ts': 'export const todo = [];\n// TODO handle errors\n',
  'README.md': '# Project\n\nNothing to do here.\n',
};

describe('the search view, with the real search source', () => {
  it('runs a search from the keyboard and shows the results grouped by file, with the options sent', async () => {
    const root = await workspace(FILES, 'sidecar-dashboard-search-');
    const sidecar = await start({ root, sources: [createSearchSource()] });
    const { page, problems } = await open(sidecar, { hash: '#search' });
    await page.locator('#search-query').focus();
    await page.keyboard.type('todo');
    await page.keyboard.press('Enter');

    await page.locator('#search-status', { hasText: '3 results in 2 files' }).waitFor();
    const app = page.locator('#search-results [data-file="src/app.ts"]');
    await app.locator('.match', { hasText: 'TODO: remove the debug log' }).waitFor();
    expect(await app.locator('.match-position').allTextContents()).toEqual(['2:4']);
    expect(await app.locator('mark').allTextContents()).toEqual(['TODO']);
    expect(await page.locator('#search-results .match').count()).toBe(3);
    expect(await page.locator('#tab-search .badge').textContent()).toBe('3');
    expect(await page.locator('#search-cancel').isDisabled()).toBe(true);

    // Case-sensitive finds only the two upper-case TODOs.
    await page.locator('#search-query').fill('TODO');
    await page.getByLabel('Match case').check();
    await page.locator('#search-start').click();
    await page.locator('#search-status', { hasText: '2 results in 2 files' }).waitFor();
    expect(await page.locator('#search-results mark').allTextContents()).toEqual(['TODO', 'TODO']);

    // A regex, limited to src/ by an include glob: README's "Nothing" is left out.
    await page.getByLabel('Match case').uncheck();
    await page.getByLabel('Regex').check();
    await page.locator('#search-query').fill('todo|nothing');
    await page.getByLabel('Files to include').fill('src/**');
    await page.locator('#search-query').press('Enter');
    await page.locator('#search-status', { hasText: '3 results in 2 files' }).waitFor();
    expect(await page.locator('#search-results [data-file="README.md"]').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('shows results while the search runs, and Cancel stops it', async () => {
    // The built-in engine, one worker: it searches a/found.txt (whose 250 results it posts at
    // once), then z/slow.txt, on whose line a JavaScript regex backtracks for ever. So the
    // search shows results and does not end on its own.
    const root = await workspace(
      {
        'a/found.txt': 'aaa\n'.repeat(250),
        'z/slow.txt': `${'a'.repeat(60)}!\n`,
      },
      'sidecar-dashboard-search-',
    );
    const sidecar = await start({
      root,
      sources: [createSearchSource({ engine: 'builtin', builtinWorkers: 1 })],
    });
    const { page, problems } = await open(sidecar, { hash: '#search' });
    await page.getByLabel('Regex').check();
    await page.locator('#search-query').fill('(a|aa)+$');
    await page.locator('#search-query').press('Enter');
    await page
      .locator('#search-status[data-state="running"]', {
        hasText: 'Searching with builtin… 250 results',
      })
      .waitFor();
    expect(await page.locator('#search-results .match').count()).toBe(250);
    await page.locator('#search-cancel').click();
    await page
      .locator('#search-status[data-state="cancelled"]', { hasText: '250 results in 1 file' })
      .waitFor();
    expect(await page.locator('#search-status').textContent()).toContain('cancelled');
    expect(await page.locator('#search-cancel').isDisabled()).toBe(true);
    expect(problems).toEqual([]);
  });

  it("shows a request's error with its code: INVALID_PARAMS for a bad regex, UNAVAILABLE when the source cannot run", async () => {
    const root = await workspace(FILES, 'sidecar-dashboard-search-');
    const sidecar = await start({ root, sources: [createSearchSource()] });
    const { page, problems } = await open(sidecar, { hash: '#search' });
    await page.getByLabel('Regex').check();
    await page.locator('#search-query').fill('todo(');
    await page.locator('#search-query').press('Enter');
    await page.locator('#search-error', { hasText: /^INVALID_PARAMS: .*invalid regex/ }).waitFor();
    await page.locator('#search-query').fill('todo|nothing');
    await page.locator('#search-query').press('Enter');
    await page.locator('#search-status', { hasText: '4 results in 3 files' }).waitFor();
    expect(await page.locator('#search-error').isHidden()).toBe(true);

    // ripgrep asked for, and not found.
    const down = await start({
      root,
      sources: [createSearchSource({ engine: 'ripgrep', ripgrepPath: 'sidecar-no-such-rg' })],
    });
    const second = await open(down, { hash: '#search' });
    const reason = 'ripgrep (sidecar-no-such-rg) was not found on PATH';
    await second.page
      .locator('#panel-search .notice', { hasText: `search is unavailable: ${reason}` })
      .waitFor();
    await second.page.locator('#search-query').fill('todo');
    await second.page.locator('#search-query').press('Enter');
    await second.page
      .locator('#search-error', { hasText: `UNAVAILABLE: search is unavailable: ${reason}` })
      .waitFor();
    expect([...problems, ...second.problems]).toEqual([]);
  });

  it('says so when the server has no search source', async () => {
    const sidecar = await start();
    const { page, problems } = await open(sidecar, { hash: '#search' });
    await page
      .locator('#panel-search .notice', { hasText: 'No search source runs on this server' })
      .waitFor();
    await page.locator('#search-query').fill('todo');
    await page.locator('#search-query').press('Enter');
    await page.locator('#search-error', { hasText: 'UNKNOWN_METHOD' }).waitFor();
    expect(problems).toEqual([]);
  });
});
