import { realpathSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createGitClient } from '../../../src/sources/git/git-client.js';
import { findRepository } from '../../../src/sources/git/repository.js';
import { commitFile, git, makeRepository } from '../../support/git.js';
import { makeTempDir } from '../../support/server.js';

let folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
  folders = [];
});

const lookUp = (root: string, binary?: string) =>
  findRepository(root, createGitClient({ cwd: root, binary }));

describe('findRepository', () => {
  it('finds a repository at the root', async () => {
    const root = await makeRepository();
    folders.push(root);
    const real = realpathSync(root);
    expect(await lookUp(root)).toEqual({
      found: true,
      repository: {
        gitDir: join(root, '.git'),
        commonDir: join(root, '.git'),
        topLevel: real,
        prefix: '',
      },
    });
  });

  it('finds the repository above a subfolder, and the subfolder inside it', async () => {
    const root = await makeRepository();
    folders.push(root);
    commitFile(root, 'packages/app/index.js', '', 'first');
    const lookup = await lookUp(join(root, 'packages', 'app'));
    expect(lookup).toMatchObject({
      found: true,
      repository: { topLevel: realpathSync(root), prefix: 'packages/app' },
    });
    if (!lookup.found) return;
    expect(realpathSync(lookup.repository.gitDir)).toBe(realpathSync(join(root, '.git')));
  });

  it('finds both git dirs of a linked worktree', async () => {
    const parent = await makeTempDir('sidecar-git-wt-');
    folders.push(parent);
    const main = await makeRepository(join(parent, 'main'));
    commitFile(main, 'a.txt', 'a', 'first');
    const linked = join(parent, 'linked');
    git(main, 'worktree', 'add', '-q', '-b', 'wt', linked);
    const lookup = await lookUp(linked);
    expect(lookup.found).toBe(true);
    if (!lookup.found) return;
    const { gitDir, commonDir, topLevel, prefix } = lookup.repository;
    expect(realpathSync(commonDir)).toBe(realpathSync(join(main, '.git')));
    expect(realpathSync(gitDir)).toBe(realpathSync(join(main, '.git', 'worktrees', 'linked')));
    expect(topLevel).toBe(realpathSync(linked));
    expect(prefix).toBe('');
  });

  it('says why when there is no repository, or no git', async () => {
    const root = await makeTempDir();
    folders.push(root);
    const none = await lookUp(root);
    expect(none).toMatchObject({ found: false, gitMissing: false });
    expect(none.found === false && none.reason).toMatch(/not a git repository/i);
    const noGit = await lookUp(root, 'git-that-is-not-installed');
    expect(noGit).toMatchObject({ found: false, gitMissing: true });
    expect(noGit.found === false && noGit.reason).toMatch(/git was not found/);
  });
});
