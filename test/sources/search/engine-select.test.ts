import { chmod, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findRipgrep, selectEngine } from '../../../src/sources/search/engine-select.js';
import { makeTempDir } from '../../support/server.js';

/** The real rg, wherever this machine has it. */
let RG: string;
let dir: string;
beforeAll(async () => {
  const found = await findRipgrep(undefined, process.env.PATH ?? '', '/nonexistent-root');
  if (!found.path) throw new Error(`these tests need rg on PATH: ${found.problem}`);
  RG = found.path;
});
let root: string;
beforeEach(async () => {
  dir = await makeTempDir('sidecar-engine-select-');
  root = join(dir, 'workspace');
  await mkdir(join(dir, 'bin'));
  await mkdir(join(root, 'tools'), { recursive: true });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('choosing the search engine', () => {
  it('finds rg on PATH and checks it answers', async () => {
    await symlink(RG, join(dir, 'bin', 'rg'));
    const found = await findRipgrep(undefined, `relative/bin:${join(dir, 'bin')}`, root);
    expect(found).toEqual({
      path: join(dir, 'bin', 'rg'),
      version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
    });
    const selection = await selectEngine({ engine: 'auto', root, pathEnv: join(dir, 'bin') });
    expect(selection.engine.name).toBe('ripgrep');
    expect(selection.message).toMatch(
      /^ripgrep \d+\.\d+\.\d+ \(.*\); the built-in engine for workspaces of at most 1000 files$/,
    );
    // Until the workspace's size is known, and for a big one, ripgrep; for a small one, built-in.
    expect(selection.engine.forSearch?.().name).toBe('ripgrep');
    selection.engine.noteWorkspaceFiles?.(1001);
    expect(selection.engine.forSearch?.().name).toBe('ripgrep');
    selection.engine.noteWorkspaceFiles?.(1000);
    expect(selection.engine.forSearch?.().name).toBe('builtin');
    await selection.engine.close?.();
    const forced = await selectEngine({ engine: 'ripgrep', root, pathEnv: join(dir, 'bin') });
    forced.engine.noteWorkspaceFiles?.(1);
    expect(forced.engine.forSearch?.().name ?? forced.engine.name).toBe('ripgrep');
  });

  it('falls back to the built-in engine without rg, and says why', async () => {
    const selection = await selectEngine({ engine: 'auto', root, pathEnv: join(dir, 'bin') });
    expect(selection.engine.name).toBe('builtin');
    expect(selection.message).toBe('built-in engine: ripgrep (rg) was not found on PATH');
    await selection.engine.close?.();
  });

  it('refuses to run without rg when ripgrep is required', async () => {
    await expect(selectEngine({ engine: 'ripgrep', root, pathEnv: '' })).rejects.toThrow(
      'ripgrep (rg) was not found on PATH',
    );
  });

  it('uses a configured absolute path, and refuses a relative one', async () => {
    expect((await findRipgrep(RG, '', root)).path).toBe(RG);
    expect((await findRipgrep('bin/rg', '', root)).problem).toMatch(
      /must be absolute or a command name/,
    );
  });

  it('never runs a ripgrep from inside the workspace, configured or on PATH', async () => {
    const planted = join(root, 'tools', 'rg');
    await writeFile(planted, '#!/bin/sh\necho "ripgrep 99.0.0"\n');
    await chmod(planted, 0o755);
    expect((await findRipgrep(planted, '', root)).problem).toMatch(/is inside the workspace/);
    expect((await findRipgrep(undefined, join(root, 'tools'), root)).problem).toMatch(
      /not found on PATH/,
    );
  });

  it("asks for the version without the sidecar's token in the environment", async () => {
    const fake = join(dir, 'bin', 'rg');
    const seen = join(dir, 'seen');
    await writeFile(
      fake,
      `#!/bin/sh\necho "token=$SIDECAR_TOKEN" > "${seen}"\necho "ripgrep 14.0.0"\n`,
    );
    await chmod(fake, 0o755);
    const saved = process.env.SIDECAR_TOKEN;
    process.env.SIDECAR_TOKEN = 'token-rg-must-not-see';
    try {
      expect(await findRipgrep(undefined, join(dir, 'bin'), root)).toEqual({
        path: fake,
        version: '14.0.0',
      });
    } finally {
      if (saved === undefined) delete process.env.SIDECAR_TOKEN;
      else process.env.SIDECAR_TOKEN = saved;
    }
    expect(await readFile(seen, 'utf8')).toBe('token=\n');
  });

  it('does not trust a program that does not answer like ripgrep', async () => {
    const fake = join(dir, 'bin', 'rg');
    await writeFile(fake, '#!/bin/sh\necho hello\n');
    await chmod(fake, 0o755);
    expect((await findRipgrep(undefined, join(dir, 'bin'), root)).problem).toMatch(
      /did not answer as ripgrep/,
    );
  });
});
