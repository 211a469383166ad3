import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFilesSource } from '../../../src/sources/files/index.js';
import { createGitSource } from '../../../src/sources/git/index.js';
import { commitFile, git, makeRepository, writeFile } from '../../support/git.js';
import { followGit } from '../../support/git-follower.js';
import { makeTempDir, useTestSidecars, waitFor } from '../../support/server.js';

const startSidecar = useTestSidecars();
let folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
  folders = [];
});

async function follow(root: string) {
  const sidecar = await startSidecar({ root, sources: [createFilesSource(), createGitSource()] });
  return followGit(sidecar);
}

describe('the git channel on other repository layouts', () => {
  it('follows a linked worktree, its own HEAD and the branches it shares', async () => {
    const parent = await makeTempDir('sidecar-git-layout-');
    folders.push(parent);
    const main = await makeRepository(join(parent, 'main'));
    commitFile(main, 'README.md', 'hello\n', 'first commit');
    const worktree = join(parent, 'linked');
    git(main, 'worktree', 'add', '-q', '-b', 'wt', worktree);
    // The worktree's branch follows main, whose ref lives in the shared (common) git dir.
    git(worktree, 'branch', '-q', '--set-upstream-to=main');

    const { snapshot, events, waitForStatus } = await follow(worktree);
    expect(snapshot).toMatchObject({ branch: 'wt', upstream: 'main', ahead: 0, behind: 0 });

    const sha = commitFile(worktree, 'wt.txt', 'from the worktree\n', 'worktree commit');
    await waitForStatus((s) => s.head?.sha === sha, 'the worktree commit');
    commitFile(main, 'main.txt', 'from main\n', 'main commit');
    await waitForStatus((s) => s.behind === 1, 'behind main by one');
    expect(events()).toEqual([
      ['commit', { sha, subject: 'worktree commit', author: 'Test Author' }],
      ['status', expect.objectContaining({ branch: 'wt', ahead: 1, behind: 0 })],
      ['status', expect.objectContaining({ branch: 'wt', ahead: 1, behind: 1 })],
    ]);
  });

  it('follows the repository above a subfolder root, with paths from the root', async () => {
    const repository = await makeRepository();
    folders.push(repository);
    commitFile(repository, 'packages/app/index.js', '1\n', 'first commit');
    const root = join(repository, 'packages', 'app');
    const { snapshot, events, waitForStatus, request } = await follow(root);
    expect(snapshot).toMatchObject({ branch: 'main', modified: [], untracked: [] });

    writeFile(repository, 'top-level.txt', 'outside the workspace\n');
    writeFile(root, 'index.js', '2\n');
    writeFile(root, 'lib/new.js', 'new\n');
    const status = await waitForStatus(
      (s) => s.modified.length === 1 && s.untracked.length === 1,
      'the workspace changes',
    );
    // Only the workspace's own files, relative to the workspace root.
    expect(status).toMatchObject({ modified: ['index.js'], untracked: ['lib/'] });
    expect(events().every(([, data]) => !JSON.stringify(data).includes('top-level'))).toBe(true);

    const diff = await request('git.diff', { file: 'index.js' });
    expect((diff.result as { diff: string }).diff).toContain('+2');
    const outside = await request('git.diff', { file: '../../top-level.txt' });
    expect(outside.error).toMatchObject({ code: 'INVALID_PARAMS', details: { field: 'file' } });
  });

  it('goes unavailable when .git is removed, and comes back when it returns', async () => {
    const root = await makeRepository();
    folders.push(root);
    commitFile(root, 'README.md', 'hello\n', 'first commit');
    const { client, events, request, waitForStatus } = await follow(root);
    const gitStates = () =>
      client.messages
        .filter((m) => m.type === 'event' && m.channel === 'system')
        .map((m) => (m as { data: { name: string; state: string } }).data)
        .filter((data) => data.name === 'git')
        .map((data) => data.state);

    await rm(join(root, '.git'), { recursive: true, force: true });
    await waitFor(() => gitStates().includes('unavailable'), { message: 'git unavailable' });
    expect((await request('git.status')).error).toMatchObject({ code: 'UNAVAILABLE' });

    await makeRepository(root);
    await waitForStatus((s) => s.head === null, 'the new repository');
    await waitFor(() => gitStates().at(-1) === 'running', { message: 'git running again' });
    expect(gitStates()).toEqual(['unavailable', 'running']);
    expect(events().at(-1)).toEqual([
      'status',
      expect.objectContaining({ branch: 'main', untracked: ['README.md'] }),
    ]);
  });
});
