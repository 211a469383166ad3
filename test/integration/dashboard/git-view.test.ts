/**
 * The git card against the real git source, following a real repository made with `git init`
 * while a developer works in it: edits, a branch, an upstream, commits, a rename, a conflict.
 */
import { describe, expect, it } from 'vitest';
import { createFilesSource } from '../../../src/sources/files/index.js';
import { createGitSource } from '../../../src/sources/git/index.js';
import { useTempWorkspaces } from '../../sources/diagnostics/harness.js';
import { commitFile, git, gitFailing, makeRepository, writeFile } from '../../support/git.js';
import { useTestSidecars } from '../../support/server.js';
import { useDashboard } from './browser.js';

// Declared in this order so that, after each test, pages close, then sidecars, then roots go.
const workspace = useTempWorkspaces();
const start = useTestSidecars();
const open = useDashboard();

describe('the git card, following a real repository', () => {
  it('shows branch, HEAD, upstream with ahead/behind, changed files, renames, switches, commits and a merge in progress', async () => {
    const root = await makeRepository(await workspace({}, 'sidecar-dashboard-git-'));
    commitFile(root, 'notes.txt', 'first\n', 'Start the notes');
    const first = commitFile(root, 'src/app.ts', 'export const a = 1;\n', 'Add the app');
    const sidecar = await start({ root, sources: [createFilesSource(), createGitSource()] });
    const { page, problems } = await open(sidecar);
    const card = page.locator('#git-status');

    await page.locator('#git-branch', { hasText: 'main' }).waitFor();
    await page.locator('#git-sha', { hasText: first.slice(0, 7) }).waitFor();
    await page.locator('#git-subject', { hasText: 'Add the app' }).waitFor();
    await card.getByText('no upstream').waitFor();
    expect(await page.locator('#git-files details').count()).toBe(0);

    // An edit in the working tree.
    writeFile(root, 'src/app.ts', 'export const a = 2;\n');
    await page.locator('#git-files summary', { hasText: '1 modified file' }).click();
    await page.locator('#git-files [data-kind="modified"] li', { hasText: 'src/app.ts' }).waitFor();

    // A new branch that tracks main, and a commit on it: one ahead.
    git(root, 'checkout', '-q', '-b', 'feature');
    git(root, 'branch', '-q', '--set-upstream-to=main');
    await page.locator('#git-branch', { hasText: 'feature' }).waitFor();
    await page.locator('#git-view .recent li', { hasText: 'switched main → feature' }).waitFor();
    commitFile(root, 'notes.txt', 'first\nfrom feature\n', 'Note from feature');
    git(root, 'commit', '-q', '-am', 'Change the app');
    await page.locator('#git-upstream', { hasText: '↑2 ↓0 main' }).waitFor();
    await page
      .locator('#git-view .recent li', {
        hasText: /commit [0-9a-f]{7} Change the app — Test Author/,
      })
      .waitFor();
    expect(await page.locator('#git-files details').count()).toBe(0);

    // A rename staged in the index shows as old → new.
    git(root, 'mv', 'src/app.ts', 'src/main.ts');
    await page.locator('#git-files summary', { hasText: '1 renamed file' }).click();
    await page
      .locator('#git-files [data-kind="renamed"] li', { hasText: 'src/app.ts → src/main.ts' })
      .waitFor();
    git(root, 'commit', '-q', '-m', 'Rename the app');

    // main moves on with a conflicting change: behind by one, then a merge that stops.
    git(root, 'checkout', '-q', 'main');
    commitFile(root, 'notes.txt', 'first\nfrom main\n', 'Note from main');
    git(root, 'checkout', '-q', 'feature');
    await page.locator('#git-upstream', { hasText: '↑3 ↓1 main' }).waitFor();
    gitFailing(root, 'merge', 'main');
    await card.getByText('merge in progress').waitFor();
    // Conflicts are open from the start.
    await page
      .locator('#git-files [data-kind="conflicted"] li', { hasText: 'notes.txt' })
      .waitFor();
    git(root, 'merge', '--abort');
    await expect.poll(() => card.getByText('merge in progress').count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
