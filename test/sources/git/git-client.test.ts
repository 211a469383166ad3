import { chmod, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createGitClient, isGitMissing } from '../../../src/sources/git/git-client.js';
import { commitFile, git, makeRepository, writeFile } from '../../support/git.js';

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

  it("runs git without the sidecar's token, other variables that guard git notwithstanding", async () => {
    const root = await makeRepository();
    folders.push(root);
    // git runs the fsmonitor hook on every status: it reports the environment git was given.
    const seen = join(root, '.git', 'seen-by-hook');
    writeFile(
      root,
      '.git/report-env',
      `#!/bin/sh\necho "token=$SIDECAR_TOKEN" >> "${seen}"\nexit 1\n`,
    );
    await chmod(join(root, '.git', 'report-env'), 0o755);
    git(root, 'config', 'core.fsmonitor', join(root, '.git', 'report-env'));

    const outside = {
      SIDECAR_TOKEN: 'token-the-hook-must-not-see',
      EDITOR: 'vi',
      GIT_PAGER: 'less',
    };
    const saved = Object.fromEntries(Object.keys(outside).map((name) => [name, process.env[name]]));
    Object.assign(process.env, outside);
    try {
      const client = createGitClient({ cwd: root });
      await client.run(['status', '--porcelain']);
      await client.runCapped(['status', '--porcelain'], 1_000_000);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    // Once or more per status, and never with the token.
    const reports = (await readFile(seen, 'utf8')).split('\n').filter(Boolean);
    expect([...new Set(reports)]).toEqual(['token=']);
  });
});
