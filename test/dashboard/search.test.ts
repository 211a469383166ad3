import { describe, expect, it } from 'vitest';
import { useTestSidecars } from '../support/server.js';
import { useDashboard } from './browser.js';
import { searchFixtureSource } from './fixture-sources.js';

// The search e2e runs against a test fixture source that answers search.start/search.cancel
// and streams on `search` as PROTOCOL.md says; it moves to the real search source once that
// source is on main.
const start = useTestSidecars();
const open = useDashboard();

const corpus = {
  'src/app.ts': 'const total = 1;\n// TODO: remove the debug log\nconsole.log(total);',
  'src/util.ts': 'export const todo = [];\n// TODO handle errors\n',
  'README.md': '# Project\n\nNothing to do here.',
};

describe('the search view, against a test fixture search source', () => {
  it('runs a search from the keyboard and shows the results as they stream in', async () => {
    const sidecar = await start({ sources: [searchFixtureSource(corpus, { batchSize: 1 })] });
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

    // Options are sent: case-sensitive finds only the two upper-case TODOs.
    await page.locator('#search-query').fill('TODO');
    await page.getByLabel('Match case').check();
    await page.locator('#search-start').click();
    await page.locator('#search-status', { hasText: '2 results in 2 files' }).waitFor();
    expect(await page.locator('#search-results mark').allTextContents()).toEqual(['TODO', 'TODO']);
    expect(problems).toEqual([]);
  });

  it('cancels a running search with the Cancel button', async () => {
    const many = { 'big.txt': Array.from({ length: 500 }, (_, i) => `match ${i}`).join('\n') };
    const source = searchFixtureSource(many, { batchSize: 10, stallAfterFirstBatch: () => true });
    const sidecar = await start({ sources: [source] });
    const { page, problems } = await open(sidecar, { hash: '#search' });
    await page.locator('#search-query').fill('match');
    await page.locator('#search-query').press('Enter');
    await page.locator('#search-status', { hasText: 'Searching… 10 results' }).waitFor();
    await page.locator('#search-cancel').click();
    await page
      .locator('#search-status[data-state="cancelled"]', { hasText: 'cancelled' })
      .waitFor();
    expect(await page.locator('#search-status').textContent()).toContain('10 results');
    expect(await page.locator('#search-cancel').isDisabled()).toBe(true);
    expect(problems).toEqual([]);
  });

  it("shows the request's error: INVALID_PARAMS for a bad regex, UNAVAILABLE from the source", async () => {
    const sidecar = await start({ sources: [searchFixtureSource(corpus)] });
    const { page, problems } = await open(sidecar, { hash: '#search' });
    await page.getByLabel('Regex').check();
    await page.locator('#search-query').fill('todo(');
    await page.locator('#search-query').press('Enter');
    await page.locator('#search-error', { hasText: 'INVALID_PARAMS: invalid regex' }).waitFor();
    await page.locator('#search-query').fill('todo|nothing');
    await page.locator('#search-query').press('Enter');
    await page.locator('#search-status', { hasText: '4 results' }).waitFor();
    expect(await page.locator('#search-error').isHidden()).toBe(true);

    const down = await start({
      sources: [searchFixtureSource(corpus, { unavailable: 'ripgrep is not installed' })],
    });
    const second = await open(down, { hash: '#search' });
    await second.page
      .locator('#panel-search .notice', {
        hasText: 'search is unavailable: ripgrep is not installed',
      })
      .waitFor();
    await second.page.locator('#search-query').fill('todo');
    await second.page.locator('#search-query').press('Enter');
    await second.page
      .locator('#search-error', { hasText: 'UNAVAILABLE: ripgrep is not installed' })
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
