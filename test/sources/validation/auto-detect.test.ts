import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectValidators } from '../../../src/sources/validation/auto-detect.js';
import { resolveCommand } from '../../../src/sources/validation/command-resolver.js';
import { makeTempDir } from '../../support/server.js';
import { linkProjectTools } from '../../support/workspace-tools.js';

let dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  dirs = [];
});

async function workspace(files: Record<string, string>): Promise<string> {
  const root = await makeTempDir('sidecar-detect-');
  dirs.push(root);
  for (const [name, text] of Object.entries(files)) await writeFile(join(root, name), text);
  return root;
}

describe('auto-detection', () => {
  it('finds tsc by its tsconfig and eslint by a flat or legacy config', async () => {
    const flat = await workspace({
      'tsconfig.json': '{}',
      'eslint.config.mjs': 'export default [];',
    });
    expect(await detectValidators(flat)).toMatchObject([
      {
        name: 'tsc',
        command: 'node_modules/.bin/tsc',
        // Incremental, its build info out of the workspace: a run after an edit rechecks
        // only what the edit affects.
        args: [
          '--noEmit',
          '-p',
          '.',
          '--pretty',
          'false',
          '--incremental',
          '--tsBuildInfoFile',
          expect.stringMatching(/[\\/]sidecar[\\/].*tsc[\\/][0-9a-f]{16}\.tsbuildinfo$/),
        ],
        matcher: 'tsc',
      },
      {
        name: 'eslint',
        command: 'node_modules/.bin/eslint',
        args: ['-f', 'json', '.'],
        matcher: 'eslint-json',
      },
    ]);
    const legacy = await workspace({ '.eslintrc.json': '{}' });
    const [tsc] = await detectValidators(flat);
    expect(tsc!.args.at(-1)!.startsWith(flat)).toBe(false);
    expect((await detectValidators(legacy)).map((v) => v.name)).toEqual(['eslint']);
    expect(await detectValidators(await workspace({ 'package.json': '{}' }))).toEqual([]);
  });

  it('triggers tsc on scripts and its config, not on what it does not read', async () => {
    const [tsc] = await detectValidators(await workspace({ 'tsconfig.json': '{}' }));
    const picomatch = (await import('picomatch')).default;
    const matches = picomatch([...tsc!.triggers], { dot: true });
    const isTrigger = (file: string) => matches(file);
    expect(
      ['src/a.ts', 'b.tsx', 'tsconfig.json', 'packages/x/tsconfig.build.json'].every(isTrigger),
    ).toBe(true);
    expect(
      ['README.md', 'dist/x.map', '.eslintcache', 'tsconfig.tsbuildinfo'].some(isTrigger),
    ).toBe(false);
  });
});

describe('command resolution', () => {
  it("prefers the workspace's node_modules/.bin, then the PATH", async () => {
    const root = await workspace({});
    await linkProjectTools(root, ['tsc']);
    const pathDir = join(root, 'path-bin');
    await mkdir(pathDir);
    await writeFile(join(pathDir, 'tsc'), '#!/bin/sh\n');
    await chmod(join(pathDir, 'tsc'), 0o755);
    await writeFile(join(pathDir, 'lint'), '#!/bin/sh\n');
    await chmod(join(pathDir, 'lint'), 0o755);
    expect(await resolveCommand('tsc', root, pathDir)).toEqual({
      found: true,
      path: join(root, 'node_modules', '.bin', 'tsc'),
    });
    expect(await resolveCommand('lint', root, pathDir)).toEqual({
      found: true,
      path: join(pathDir, 'lint'),
    });
  });

  it('resolves paths against the root and explains what is missing', async () => {
    const root = await workspace({ 'check.sh': '#!/bin/sh\n', 'notes.txt': '' });
    await chmod(join(root, 'check.sh'), 0o755);
    expect(await resolveCommand('./check.sh', root, '')).toEqual({
      found: true,
      path: join(root, 'check.sh'),
    });
    expect(await resolveCommand('notes.txt', root, '')).toMatchObject({ found: false });
    expect(await resolveCommand('./notes.txt', root, '')).toEqual({
      found: false,
      reason: './notes.txt is not an executable file',
    });
    expect(await resolveCommand('node_modules/.bin/eslint', root, '')).toEqual({
      found: false,
      reason: 'node_modules/.bin/eslint is not an executable file (not installed? run npm install)',
    });
    expect(await resolveCommand('cargo-nope', root, '')).toEqual({
      found: false,
      reason: 'cargo-nope was found neither in node_modules/.bin nor on the PATH',
    });
  });
});
