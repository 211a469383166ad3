import { rm } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createGitClient } from '../../../src/sources/git/git-client.js';
import { type GitDirWatcher, watchGitDir } from '../../../src/sources/git/git-watcher.js';
import { findRepository } from '../../../src/sources/git/repository.js';
import { commitFile, git, makeRepository, writeFile } from '../../support/git.js';
import { makeTempDir, waitFor } from '../../support/server.js';

let folders: string[] = [];
let watcher: GitDirWatcher | null = null;
afterEach(async () => {
  await watcher?.close();
  watcher = null;
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
  folders = [];
});

/** Watches `root`'s git dirs and records the changed paths, relative to `relativeTo`. */
async function watchRepository(root: string, relativeTo: string) {
  const lookup = await findRepository(root, createGitClient({ cwd: root }));
  if (!lookup.found) throw new Error(lookup.reason);
  const changed: string[] = [];
  watcher = await watchGitDir({
    repository: lookup.repository,
    onChange: (path) => changed.push(relative(relativeTo, path).split(sep).join('/')),
    onError: (error) => {
      throw error;
    },
  });
  const waitForChange = (path: string) =>
    waitFor(() => changed.includes(path), { message: `a change of ${path}` });
  return { changed, waitForChange };
}

describe('watchGitDir', () => {
  it('reports HEAD, refs and operation markers, never lock files or objects', async () => {
    const root = await makeRepository();
    folders.push(root);
    commitFile(root, 'a.txt', 'a', 'first');
    const { changed, waitForChange } = await watchRepository(root, join(root, '.git'));

    writeFile(root, '.git/index.lock', '');
    writeFile(root, '.git/objects/ab/cdef', 'not really an object');
    writeFile(root, '.git/MERGE_HEAD', 'x');
    await waitForChange('MERGE_HEAD');
    git(root, 'branch', 'feature/deep/name');
    await waitForChange('refs/heads/feature/deep/name');
    git(root, 'pack-refs', '--all');
    await waitForChange('packed-refs');
    writeFile(root, '.git/rebase-merge/msgnum', '1');
    await waitForChange('rebase-merge/msgnum');
    expect(changed.filter((path) => path.endsWith('.lock') || path.startsWith('objects'))).toEqual(
      [],
    );
  });

  it('watches a linked worktree’s own git dir and the shared refs', async () => {
    const parent = await makeTempDir('sidecar-git-watch-');
    folders.push(parent);
    const main = await makeRepository(join(parent, 'main'));
    commitFile(main, 'a.txt', 'a', 'first');
    const linked = join(parent, 'linked');
    git(main, 'worktree', 'add', '-q', '-b', 'wt', linked);
    const { changed, waitForChange } = await watchRepository(linked, join(main, '.git'));

    commitFile(linked, 'b.txt', 'b', 'in the worktree');
    await waitForChange('worktrees/linked/index');
    await waitForChange('refs/heads/wt');
    commitFile(main, 'c.txt', 'c', 'in the main worktree');
    await waitForChange('refs/heads/main');
    // The main worktree's own HEAD and index are not this worktree's business.
    expect(changed).not.toContain('index');
  });
});
