import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createGitClient, isGitMissing } from '../../../src/sources/git/git-client.js';
import { commitFile, makeRepository, writeFile } from '../../support/git.js';

let folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
  folders = [];
});

async function repositoryWithBigDiff() {
  const root = await makeRepository();
  folders.push(root);
  commitFile(root, 'big.txt', '', 'empty');
  writeFile(root, 'big.txt', Array.from({ length: 20_000 }, (_, i) => `line ${i} é\n`).join(''));
  return root;
}

describe('createGitClient', () => {
  it('runCapped keeps whole lines up to the cap and says it cut', async () => {
    const root = await repositoryWithBigDiff();
    const git = createGitClient({ cwd: root });
    const { output, truncated } = await git.runCapped(['diff', '--', 'big.txt'], 10_000);
    expect(truncated).toBe(true);
    expect(Buffer.byteLength(output)).toBeLessThanOrEqual(10_000);
    expect(output.endsWith('\n')).toBe(true);
    expect(output).not.toContain('\uFFFD');
    const whole = await git.runCapped(['diff', '--', 'big.txt'], 10_000_000);
    expect(whole.truncated).toBe(false);
    expect(whole.output.startsWith(output)).toBe(true);
    expect(whole.output).toContain('+line 19999 é\n');
  });

  it('runCapped rejects when its signal aborts', async () => {
    const root = await repositoryWithBigDiff();
    const git = createGitClient({ cwd: root });
    const controller = new AbortController();
    controller.abort();
    await expect(
      git.runCapped(['diff', '--', 'big.txt'], 1_000_000, controller.signal),
    ).rejects.toThrow();
  });

  it('takes pathspecs literally', async () => {
    const root = await makeRepository();
    folders.push(root);
    writeFile(root, 'a.txt', 'a');
    const git = createGitClient({ cwd: root });
    expect(await git.run(['ls-files', '--others', '--', '*.txt'])).toBe('');
    expect(await git.run(['ls-files', '--others', '--', 'a.txt'])).toBe('a.txt\n');
  });

  it('tells a missing git from a failing one', async () => {
    const root = await makeRepository();
    folders.push(root);
    const missing = createGitClient({ cwd: root, binary: 'git-that-is-not-installed' });
    const failing = createGitClient({ cwd: root });
    const missingError = await missing.run(['status']).catch((error: unknown) => error);
    const failingError = await failing.run(['no-such-command']).catch((error: unknown) => error);
    expect(isGitMissing(missingError)).toBe(true);
    expect(isGitMissing(failingError)).toBe(false);
  });
});
