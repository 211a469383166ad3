import { statSync, utimesSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createGitClient } from '../../../src/sources/git/git-client.js';
import { findRepository } from '../../../src/sources/git/repository.js';
import { createStatusReader } from '../../../src/sources/git/status-reader.js';
import { commitFile, git, gitFailing, makeRepository, writeFile } from '../../support/git.js';

let folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
  folders = [];
});

async function readerFor(root: string, maxPaths = 100) {
  const git = createGitClient({ cwd: root });
  const lookup = await findRepository(root, git);
  if (!lookup.found) throw new Error(lookup.reason);
  return createStatusReader({ git, repository: lookup.repository, maxPaths });
}

/** A repository whose `main` and `other` change the same line of `file.txt`. */
async function divergedRepository() {
  const root = await makeRepository();
  folders.push(root);
  commitFile(root, 'file.txt', 'base\n', 'base');
  git(root, 'checkout', '-q', '-b', 'other');
  commitFile(root, 'file.txt', 'other\n', 'other change');
  git(root, 'checkout', '-q', 'main');
  commitFile(root, 'file.txt', 'main\n', 'main change');
  return root;
}

describe('createStatusReader', () => {
  it('reads HEAD with its subject and author, and an unborn branch as head null', async () => {
    const root = await makeRepository();
    folders.push(root);
    const reader = await readerFor(root);
    expect((await reader.read()).head).toBeNull();
    const sha = commitFile(root, 'a.txt', 'a', 'the subject line\n\nand a body');
    const { status, head } = await reader.read();
    expect(head).toEqual({ sha, subject: 'the subject line', author: 'Test Author' });
    expect(status.head).toEqual({ sha, subject: 'the subject line' });
  });

  it('reports renames, and paths with spaces and non-ASCII names as they are', async () => {
    const root = await makeRepository();
    folders.push(root);
    commitFile(root, 'old name.txt', 'same content\n', 'first');
    git(root, 'mv', 'old name.txt', 'nouveau é.txt');
    writeFile(root, 'ünïcode dir/x.txt', 'x');
    const { status } = await (await readerFor(root)).read();
    expect(status.renamed).toEqual([{ from: 'old name.txt', to: 'nouveau é.txt' }]);
    expect(status.staged).toEqual(['nouveau é.txt']);
    expect(status.untracked).toEqual(['ünïcode dir/']);
  });

  it('detects cherry-pick, revert and bisect in progress', async () => {
    const root = await divergedRepository();
    const reader = await readerFor(root);
    gitFailing(root, 'cherry-pick', 'other');
    expect((await reader.read()).status).toMatchObject({
      operation: 'cherry-pick',
      conflicted: ['file.txt'],
    });
    git(root, 'cherry-pick', '--abort');
    commitFile(root, 'file.txt', 'main again\n', 'another change');
    gitFailing(root, 'revert', '--no-edit', 'HEAD~1');
    expect((await reader.read()).status.operation).toBe('revert');
    git(root, 'revert', '--abort');
    git(root, 'bisect', 'start');
    expect((await reader.read()).status.operation).toBe('bisect');
    git(root, 'bisect', 'reset');
    expect((await reader.read()).status.operation).toBeNull();
  });

  it('caps each path list and says it did', async () => {
    const root = await makeRepository();
    folders.push(root);
    for (let i = 0; i < 5; i++) writeFile(root, `f${i}.txt`, `${i}`);
    const { status } = await (await readerFor(root, 3)).read();
    expect(status.untracked).toEqual(['f0.txt', 'f1.txt', 'f2.txt']);
    expect(status.truncated).toBe(true);
  });

  it('never rewrites the index, which a plain git status would do after a touch', async () => {
    const root = await makeRepository();
    folders.push(root);
    commitFile(root, 'a.txt', 'a', 'first');
    // Same content, newer mtime: the index's stat data is stale, and refreshing it is the
    // optional write (under index.lock) that --no-optional-locks turns off.
    const later = new Date(Date.now() + 3_600_000);
    utimesSync(join(root, 'a.txt'), later, later);
    const index = join(root, '.git', 'index');
    const before = statSync(index);
    const { status } = await (await readerFor(root)).read();
    expect(status.modified).toEqual([]);
    const after = statSync(index);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });
});
