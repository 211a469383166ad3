import { describe, expect, it } from 'vitest';
import type { DiagnosticsUpdatedData, GitStatus } from '../../src/protocol.js';
import { useTestSidecars } from '../support/server.js';
import { openTab, useDashboard } from './browser.js';
import {
  aiFixtureSource,
  diagnosticsFixtureSource,
  gitFixtureSource,
  validationFixtureSource,
} from './fixture-sources.js';

const start = useTestSidecars();
const open = useDashboard();

function diagnosticsOf(
  file: string,
  items: [severity: 'error' | 'warning', line: number, message: string][],
): DiagnosticsUpdatedData {
  const diagnostics = items.map(([severity, line, message]) => ({
    range: { start: { line, character: 4 }, end: { line, character: 9 } },
    severity,
    message,
    code: 2322,
    source: 'ts',
  }));
  return {
    file,
    uri: `file:///workspace/${file}`,
    server: 'typescript',
    diagnostics,
    summary: { errors: 0, warnings: 0, infos: 0, hints: 0 },
  };
}

const cleanStatus: GitStatus = {
  branch: 'main',
  head: { sha: '4f2a9c1e0b7d3a5f6e8c9d0a1b2c3d4e5f6a7b8c', subject: 'Add the dashboard' },
  detached: false,
  ahead: 0,
  behind: 0,
  staged: [],
  modified: [],
  untracked: [],
  conflicted: [],
  renamed: [],
  upstream: null,
  truncated: false,
  operation: null,
};

describe('the dashboard views, fed by test fixture sources speaking the protocol', () => {
  it('diagnostics: grouped by file with severity counts, from the snapshot and then updates', async () => {
    const diagnostics = diagnosticsFixtureSource([
      diagnosticsOf('src/app.ts', [
        ['error', 3, "Type 'string' is not assignable to type 'number'."],
        ['warning', 7, "'x' is declared but never used."],
      ]),
    ]);
    const sidecar = await start({ sources: [diagnostics] });
    const { page, problems } = await open(sidecar);
    // The tab says there is an error before the view is opened.
    await page.locator('#tab-diagnostics .badge', { hasText: '1' }).waitFor();
    await openTab(page, 'Diagnostics');
    const app = page.locator('#diagnostics-files [data-file="src/app.ts"]');
    await app.locator('summary', { hasText: '1 error' }).waitFor();
    await app.locator('summary', { hasText: '1 warning' }).waitFor();
    // LSP lines and characters are 0-based; people read them 1-based.
    const typeError = app.locator('tr', { hasText: "Type 'string' is not assignable" });
    expect(await typeError.locator('.col-position').textContent()).toBe('4:5');

    diagnostics.update(
      diagnosticsOf('src/util.ts', [
        ['error', 0, 'Cannot find name "y".'],
        ['error', 1, 'Expected ";".'],
      ]),
    );
    await page.locator('#diagnostics-summary', { hasText: '2 files with problems' }).waitFor();
    await page.locator('#diagnostics-summary', { hasText: '3 errors' }).waitFor();
    // Most errors first.
    expect(
      await page
        .locator('#diagnostics-files [data-file]')
        .evaluateAll((groups) => groups.map((g) => (g as HTMLElement).dataset.file)),
    ).toEqual(['src/util.ts', 'src/app.ts']);

    diagnostics.update(diagnosticsOf('src/app.ts', []));
    await expect.poll(() => app.count()).toBe(0);
    await page.locator('#diagnostics-summary', { hasText: '1 file with problems' }).waitFor();
    expect(problems).toEqual([]);
  });

  it('git: branch, HEAD, ahead/behind, changed files and an operation in progress', async () => {
    const git = gitFixtureSource(cleanStatus);
    const sidecar = await start({ sources: [git] });
    const { page, problems } = await open(sidecar);
    await page.locator('#git-branch', { hasText: 'main' }).waitFor();
    await page.locator('#git-sha', { hasText: '4f2a9c1' }).waitFor();
    await page.locator('#git-subject', { hasText: 'Add the dashboard' }).waitFor();
    await page.locator('#git-status', { hasText: 'in sync with upstream' }).waitFor();

    git.setStatus({
      ...cleanStatus,
      branch: 'feature',
      ahead: 2,
      behind: 1,
      modified: ['src/a.ts', 'src/b.ts'],
      untracked: ['notes.md'],
      conflicted: ['src/c.ts'],
      operation: 'merge',
    });
    await page.locator('#git-branch', { hasText: 'feature' }).waitFor();
    await page.locator('#git-status', { hasText: '↑2 ↓1' }).waitFor();
    await page.locator('#git-status', { hasText: 'merge in progress' }).waitFor();
    await page.locator('#git-files summary', { hasText: '2 modified files' }).click();
    await page.locator('#git-files [data-kind="modified"] li', { hasText: 'src/b.ts' }).waitFor();
    // Conflicts are open from the start; the user's choice survives the next status.
    await page.locator('#git-files [data-kind="conflicted"] li', { hasText: 'src/c.ts' }).waitFor();
    git.setStatus({
      ...cleanStatus,
      branch: 'feature',
      modified: ['src/a.ts', 'src/b.ts', 'src/d.ts'],
    });
    await page.locator('#git-files [data-kind="modified"] li', { hasText: 'src/d.ts' }).waitFor();
    expect(problems).toEqual([]);
  });

  it('validation: latest result per tool with its problems, and a running state from `started`', async () => {
    const validation = validationFixtureSource([
      {
        runId: 'r0',
        tool: 'tsc',
        ok: false,
        exitCode: 2,
        durationMs: 1830,
        cancelled: false,
        timedOut: false,
        truncated: false,
        problems: [
          {
            file: 'src/app.ts',
            line: 4,
            column: 5,
            severity: 'error',
            message: "Type 'string' is not assignable to type 'number'.",
            code: 'TS2322',
          },
        ],
      },
    ]);
    const sidecar = await start({ sources: [validation] });
    const { page, problems } = await open(sidecar);
    await openTab(page, 'Validation');
    const tsc = page.locator('#validation-tools [data-tool="tsc"]');
    await tsc.locator('.tool-state', { hasText: 'exit 2 · 1 problem' }).waitFor();
    await tsc.locator('.col-position', { hasText: 'src/app.ts:4:5' }).waitFor();

    // Run it from the page: `started` shows it running, `complete` replaces the result.
    await page.getByRole('button', { name: 'Run tsc' }).click();
    await tsc.locator('.tool-state', { hasText: 'running (request)' }).waitFor();
    expect(await tsc.getAttribute('data-state')).toBe('running');
    validation.finish({
      ok: true,
      exitCode: 0,
      durationMs: 950,
      problems: [],
      cancelled: false,
      timedOut: false,
      truncated: false,
    });
    await tsc.locator('.tool-state', { hasText: 'ok · 0.9 s' }).waitFor();
    expect(await tsc.locator('tr').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('ai: streams render live in order, and a page opened mid-stream catches up with ai.get', async () => {
    const sidecar = await start({ sources: [aiFixtureSource()] });
    const publish = (event: 'chunk' | 'done' | 'error', data: Record<string, unknown>) =>
      sidecar.publisher.publish({ channel: 'ai-response', event, data });
    // Three chunks before any page is open.
    for (const [index, chunk] of ['The ', 'quick ', 'brown '].entries()) {
      publish('chunk', { id: 'late', chunk, index, finished: false });
    }
    const { page, problems } = await open(sidecar, { hash: '#ai' });
    publish('chunk', { id: 'late', chunk: 'fox', index: 3, finished: false });
    const late = page.locator('#ai-streams [data-id="late"]');
    await late.locator('pre', { hasText: 'The quick brown fox' }).waitFor();
    publish('done', { id: 'late', chunk: '.', index: 4, finished: true, stopReason: 'end_turn' });
    await late.locator('.stream-state', { hasText: 'done · stop: end_turn' }).waitFor();
    expect(await late.locator('pre').textContent()).toBe('The quick brown fox.');

    publish('chunk', { id: 'live', chunk: 'Hello', index: 0, finished: false });
    const live = page.locator('#ai-streams [data-id="live"]');
    await live.locator('.stream-state', { hasText: 'streaming' }).waitFor();
    await page.locator('#tab-ai .badge', { hasText: '1 live' }).waitFor();
    publish('chunk', { id: 'live', chunk: ', world', index: 1, finished: false });
    publish('error', {
      id: 'live',
      chunk: '',
      index: 2,
      finished: true,
      error: { code: 'RATE_LIMITED', message: 'slow down' },
    });
    await live.locator('.stream-state', { hasText: 'error · RATE_LIMITED: slow down' }).waitFor();
    expect(await live.locator('pre').textContent()).toBe('Hello, world');
    expect(problems).toEqual([]);
  });

  it('says why a channel is quiet: no source on this server, or the source is unavailable', async () => {
    const sidecar = await start({
      sources: [
        // A git source that cannot run here, as outside a repository.
        {
          ...gitFixtureSource(cleanStatus),
          start: async (ctx) => ctx.setState('unavailable', 'not a git repository'),
        },
      ],
    });
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
        hasText: 'No diagnostics source runs on this server',
      })
      .waitFor();
    expect(problems).toEqual([]);
  });
});
