import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GitStatus } from '../../../src/protocol/index.js';
import { createFilesSource } from '../../../src/sources/files/index.js';
import { createGitSource } from '../../../src/sources/git/index.js';
import { commitFile, git, gitFailing, makeRepository, writeFile } from '../../support/git.js';
import { followGit } from '../../support/git-follower.js';
import { useTestSidecars, waitFor } from '../../support/server.js';

const startSidecar = useTestSidecars();
let repositories: string[] = [];
afterEach(async () => {
  await Promise.all(repositories.map((dir) => rm(dir, { recursive: true, force: true })));
  repositories = [];
});

/** A repository with one commit on `main`, a sidecar following it, and a subscribed client. */
async function followedRepository(prepare: (root: string) => void = () => {}) {
  const root = await makeRepository();
  repositories.push(root);
  const firstSha = commitFile(root, 'README.md', 'hello\n', 'first commit');
  prepare(root);
  const sidecar = await startSidecar({
    root,
    sources: [createFilesSource(), createGitSource()],
  });
  const follower = await followGit(sidecar);
  return { root, sidecar, firstSha, ...follower };
}

const clean = {
  detached: false,
  upstream: null,
  ahead: 0,
  behind: 0,
  staged: [],
  modified: [],
  untracked: [],
  conflicted: [],
  renamed: [],
  operation: null,
  truncated: false,
};

/**
 * `actual` holds `expected` in order and ends with its last entry. Between them it may hold
 * extra `status:` entries and nothing else: a merge or a rebase (and their --abort) is several
 * steps in git (HEAD, index, then MERGE_HEAD or rebase-merge/), and on a busy machine a read
 * can land between two steps and see that state, which is then correctly sent. Branch and
 * commit events must match exactly.
 */
function expectInOrder(actual: string[], expected: string[]): void {
  let next = 0;
  for (const entry of actual) {
    if (entry === expected[next]) next++;
    else expect(entry, `unexpected event in ${JSON.stringify(actual)}`).toMatch(/^status:/);
  }
  expect(next, `${JSON.stringify(expected)} in order within ${JSON.stringify(actual)}`).toBe(
    expected.length,
  );
  expect(actual.at(-1)).toBe(expected.at(-1));
}

describe('the git channel end to end', () => {
  it('answers a subscribe with the status as a snapshot', async () => {
    const { snapshot, firstSha } = await followedRepository();
    expect(snapshot).toEqual({
      ...clean,
      branch: 'main',
      head: { sha: firstSha, subject: 'first commit' },
    });
  });

  it('tells untracked, staged and modified apart, one status per change', async () => {
    const { root, events, waitForStatus } = await followedRepository();
    writeFile(root, 'notes.txt', 'draft\n');
    await waitForStatus((s) => s.untracked.includes('notes.txt'), 'notes.txt untracked');
    git(root, 'add', 'notes.txt');
    await waitForStatus((s) => s.staged.includes('notes.txt'), 'notes.txt staged');
    writeFile(root, 'notes.txt', 'draft, edited\n');
    await waitForStatus((s) => s.modified.includes('notes.txt'), 'notes.txt modified');
    writeFile(root, 'README.md', 'hello again\n');
    await waitForStatus((s) => s.modified.includes('README.md'), 'README.md modified');
    const lists = (s: GitStatus) => [s.staged, s.modified, s.untracked];
    expect(events().map(([event, data]) => [event, lists(data as GitStatus)])).toEqual([
      ['status', [[], [], ['notes.txt']]],
      ['status', [['notes.txt'], [], []]],
      ['status', [['notes.txt'], ['notes.txt'], []]],
      ['status', [['notes.txt'], ['README.md', 'notes.txt'], []]],
    ]);
  });

  it('sends commit, then status, when a commit is made', async () => {
    const { root, events, waitForStatus } = await followedRepository();
    writeFile(root, 'a.txt', 'a\n');
    git(root, 'add', 'a.txt');
    await waitForStatus((s) => s.staged.includes('a.txt'), 'a.txt staged');
    git(root, 'commit', '-q', '-m', 'add a');
    const sha = git(root, 'rev-parse', 'HEAD').trim();
    await waitForStatus((s) => s.head?.sha === sha, 'the new HEAD');
    expect(events().slice(1)).toEqual([
      ['commit', { sha, subject: 'add a', author: 'Test Author' }],
      ['status', { ...clean, branch: 'main', head: { sha, subject: 'add a' } }],
    ]);
  });

  it('sends branch, then status, on a branch switch, and on a detached HEAD', async () => {
    const { root, events, firstSha, waitForStatus } = await followedRepository();
    git(root, 'checkout', '-q', '-b', 'feature');
    await waitForStatus((s) => s.branch === 'feature', 'branch feature');
    git(root, 'checkout', '-q', '--detach');
    await waitForStatus((s) => s.detached, 'a detached HEAD');
    git(root, 'checkout', '-q', 'main');
    await waitForStatus((s) => s.branch === 'main', 'back on main');
    const head = { sha: firstSha, subject: 'first commit' };
    expect(events()).toEqual([
      ['branch', { from: 'main', to: 'feature' }],
      ['status', { ...clean, branch: 'feature', head }],
      ['branch', { from: 'feature', to: null }],
      ['status', { ...clean, branch: null, detached: true, head }],
      ['branch', { from: null, to: 'main' }],
      ['status', { ...clean, branch: 'main', head }],
    ]);
  });

  it('sends nothing when a change leaves the status as it was', async () => {
    const { root, client, events, request } = await followedRepository();
    // Same content, new mtime: the files channel reports a change, git sees none.
    writeFile(root, 'README.md', 'hello\n');
    await client.next(
      (m) =>
        m.type === 'event' && m.channel === 'files' && JSON.stringify(m.data).includes('README.md'),
    );
    // Answered after a refresh that began after this call: that refresh found no change.
    const response = await request('git.status');
    expect(response.result).toMatchObject({ branch: 'main', modified: [] });
    expect(events()).toEqual([]);
  });

  it('waits while git holds the index lock, so a half-done checkout is never sent', async () => {
    const { root, events, request, waitForStatus } = await followedRepository();
    writeFile(root, '.git/index.lock', '');
    writeFile(root, 'README.md', 'changed while locked\n');
    // The refresh this asks for finds the lock and leaves the status as it was.
    const whileLocked = await request('git.status');
    expect(whileLocked.result).toMatchObject({ modified: [] });
    await rm(join(root, '.git', 'index.lock'));
    await waitForStatus((s) => s.modified.includes('README.md'), 'the change after the lock');
    expect(events().map(([event]) => event)).toEqual(['status']);
  });

  it('reports a merge conflict: conflicted paths and operation merge', async () => {
    const { root, events, waitForStatus } = await followedRepository((dir) => {
      git(dir, 'checkout', '-q', '-b', 'other');
      commitFile(dir, 'README.md', 'from other\n', 'other change');
      git(dir, 'checkout', '-q', 'main');
      commitFile(dir, 'README.md', 'from main\n', 'main change');
    });
    gitFailing(root, 'merge', 'other');
    const conflicted = await waitForStatus((s) => s.operation === 'merge', 'operation merge');
    expect(conflicted).toMatchObject({ branch: 'main', conflicted: ['README.md'], staged: [] });
    git(root, 'merge', '--abort');
    await waitForStatus((s) => s.operation === null, 'the merge aborted');
    expectInOrder(
      events().map(([event, data]) => `${event}:${(data as GitStatus).operation}`),
      ['status:merge', 'status:null'],
    );
  });

  it('reports a rebase stopped at a conflict: operation rebase on a detached HEAD', async () => {
    const { root, events, waitForStatus } = await followedRepository((dir) => {
      git(dir, 'checkout', '-q', '-b', 'topic');
      commitFile(dir, 'README.md', 'from topic\n', 'topic change');
      git(dir, 'checkout', '-q', 'main');
      commitFile(dir, 'README.md', 'from main\n', 'main change');
      git(dir, 'checkout', '-q', 'topic');
    });
    const mainSha = git(root, 'rev-parse', 'main').trim();
    gitFailing(root, 'rebase', 'main');
    const rebasing = await waitForStatus((s) => s.operation === 'rebase', 'operation rebase');
    expect(rebasing).toMatchObject({
      branch: null,
      detached: true,
      head: { sha: mainSha, subject: 'main change' },
      conflicted: ['README.md'],
    });
    git(root, 'rebase', '--abort');
    await waitForStatus((s) => s.operation === null && s.branch === 'topic', 'the rebase aborted');
    expectInOrder(
      events().map(([event, data]) =>
        event === 'status'
          ? `status:${(data as GitStatus).operation}`
          : `${event}:${JSON.stringify(data)}`,
      ),
      [
        'branch:{"from":"topic","to":null}',
        'status:rebase',
        'branch:{"from":null,"to":"topic"}',
        'status:null',
      ],
    );
  });

  it('lists a new untracked folder once, as git status does', async () => {
    const { root, waitForStatus } = await followedRepository();
    for (let i = 0; i < 50; i++) writeFile(root, `burst/f${i}.txt`, `${i}`);
    const status = await waitForStatus((s) => s.untracked.includes('burst/'), 'the burst');
    expect(status.untracked).toEqual(['burst/']);
  });
});

describe('git requests', () => {
  it('git.log returns commits newest first and caps the limit', async () => {
    const { root, request } = await followedRepository();
    for (let i = 1; i <= 3; i++) commitFile(root, 'n.txt', `${i}`, `commit ${i}`);
    const two = await request('git.log', { limit: 2 });
    expect(two.result).toMatchObject([
      { subject: 'commit 3', author: 'Test Author' },
      { subject: 'commit 2', author: 'Test Author' },
    ]);
    const [first] = two.result as { sha: string; date: string }[];
    expect(first!.sha).toBe(git(root, 'rev-parse', 'HEAD').trim());
    expect(Number.isNaN(Date.parse(first!.date))).toBe(false);
    const all = await request('git.log', { limit: 1_000_000 });
    expect((all.result as unknown[]).length).toBe(4);
    const bad = await request('git.log', { limit: 0 });
    expect(bad.error).toMatchObject({ code: 'INVALID_PARAMS', details: { field: 'limit' } });
  });

  it('git.diff returns unstaged or staged changes, for one file or all', async () => {
    const { root, request } = await followedRepository();
    commitFile(root, 'other.txt', 'one\n', 'other');
    writeFile(root, 'README.md', 'hello\nworld\n');
    writeFile(root, 'other.txt', 'two\n');
    git(root, 'add', 'other.txt');
    const unstaged = await request('git.diff', {});
    expect(unstaged.result).toMatchObject({ truncated: false });
    const diff = (unstaged.result as { diff: string }).diff;
    expect(diff).toContain('+world');
    expect(diff).not.toContain('other.txt');
    const staged = await request('git.diff', { staged: true, file: 'other.txt' });
    expect((staged.result as { diff: string }).diff).toContain('+two');
    const one = await request('git.diff', { file: 'other.txt' });
    expect(one.result).toEqual({ diff: '', truncated: false });
  });

  it('git.diff cuts a big diff at whole lines and says so', async () => {
    const root = await makeRepository();
    repositories.push(root);
    commitFile(root, 'big.txt', '', 'empty');
    writeFile(root, 'big.txt', Array.from({ length: 5000 }, (_, i) => `line ${i}\n`).join(''));
    const sidecar = await startSidecar({
      root,
      sources: [createGitSource({ maxDiffBytes: 4096 })],
    });
    const { request } = await followGit(sidecar);
    const response = await request('git.diff', { file: 'big.txt' });
    const { diff, truncated } = response.result as { diff: string; truncated: boolean };
    expect(truncated).toBe(true);
    expect(Buffer.byteLength(diff)).toBeLessThanOrEqual(4096);
    expect(diff.endsWith('\n')).toBe(true);
    expect(diff).toContain('+line 0\n');
  });

  it('git.diff refuses a file outside the workspace or inside .git', async () => {
    const { request } = await followedRepository();
    for (const file of ['../outside.txt', '/etc/passwd', 'a/../../outside', '.git/config']) {
      const response = await request('git.diff', { file });
      expect(response.error, file).toMatchObject({
        code: 'INVALID_PARAMS',
        details: { field: 'file' },
      });
    }
    const wrongType = await request('git.diff', { staged: 'yes' });
    expect(wrongType.error).toMatchObject({ code: 'INVALID_PARAMS', details: { field: 'staged' } });
  });

  it('git.status answers the current status', async () => {
    const { root, request } = await followedRepository();
    writeFile(root, 'new.txt', 'x');
    const response = await request('git.status');
    expect(response.result).toMatchObject({ branch: 'main', untracked: ['new.txt'] });
  });
});

describe('the git channel without a repository', () => {
  it('reports unavailable, answers UNAVAILABLE, and comes alive after git init', async () => {
    const sidecar = await startSidecar({ sources: [createFilesSource(), createGitSource()] });
    const root = sidecar.options.root;
    const follower = await followGit(sidecar);
    expect(follower.snapshot).toBeNull();
    const info = await follower.request('server.info');
    const gitState = (
      info.result as { sources: { name: string; state: string; message?: string }[] }
    ).sources.find((s) => s.name === 'git');
    expect(gitState).toMatchObject({ state: 'unavailable' });
    expect(gitState!.message).toMatch(/not a git repository/i);
    const refused = await follower.request('git.status');
    expect(refused.error).toMatchObject({ code: 'UNAVAILABLE' });
    expect(refused.error!.message).toMatch(/not a git repository/i);

    await makeRepository(root);
    const status = await follower.waitForStatus(
      (s) => s.branch === 'main',
      'a status after git init',
    );
    expect(status).toEqual({ ...clean, branch: 'main', head: null });
    await waitFor(
      () =>
        follower.client.messages.some(
          (m) =>
            m.type === 'event' &&
            m.channel === 'system' &&
            JSON.stringify(m.data) ===
              JSON.stringify({ name: 'git', channel: 'git', state: 'running' }),
        ),
      { message: 'git running on system' },
    );
    expect(follower.events()).toEqual([['status', status]]);
    commitFile(root, 'first.txt', '1', 'first');
    const sha = git(root, 'rev-parse', 'HEAD').trim();
    await follower.waitForStatus((s) => s.head?.sha === sha, 'the first commit');
    expect(follower.events().slice(1, 2)).toEqual([
      ['commit', { sha, subject: 'first', author: 'Test Author' }],
    ]);
  });

  it('reports unavailable with a reason when git cannot be run', async () => {
    const sidecar = await startSidecar({
      sources: [createGitSource({ binary: 'git-that-is-not-installed' })],
    });
    const { request } = await followGit(sidecar);
    const info = await request('server.info');
    expect((info.result as { sources: unknown[] }).sources).toContainEqual({
      name: 'git',
      channel: 'git',
      state: 'unavailable',
      message: expect.stringMatching(/git was not found/),
    });
    const refused = await request('git.log');
    expect(refused.error).toMatchObject({ code: 'UNAVAILABLE' });
  });
});
