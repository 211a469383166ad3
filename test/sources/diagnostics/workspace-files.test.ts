import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasEnding, listWorkspaceFiles } from '../../../src/sources/diagnostics/workspace-files.js';
import { createWorkspacePaths } from '../../../src/sources/diagnostics/workspace-paths.js';
import { useTempWorkspaces } from './harness.js';

const makeWorkspace = useTempWorkspaces();
const workspace = (files: string[]) =>
  makeWorkspace(Object.fromEntries(files.map((file) => [file, ''])));

describe('listWorkspaceFiles', () => {
  it('lists matching files, skipping what git ignores, node_modules and symlinks', async () => {
    const root = await workspace([
      'src/a.ts',
      'src/b.TSX',
      'src/c.js',
      'src/deep/d.ts',
      'dist/out.ts',
      'node_modules/lib/index.ts',
      'src/generated.ts',
    ]);
    await writeFile(join(root, '.gitignore'), 'dist/\nsrc/generated.ts\n');
    await symlink(join(root, 'src'), join(root, 'linked'));
    const files = await listWorkspaceFiles(root, new Set(['.ts', '.tsx']));
    expect(files).toEqual(['src/a.ts', 'src/b.TSX', 'src/deep/d.ts']);
  });

  it('stops when aborted', async () => {
    const root = await workspace(['a.ts']);
    await expect(listWorkspaceFiles(root, new Set(['.ts']), AbortSignal.abort())).rejects.toThrow();
  });

  it('matches endings after the last dot of the file name only', () => {
    const endings = new Set(['.ts']);
    expect(['a.ts', 'a.d.ts', 'dir.ts/a', '.ts', 'a.TS'].map((f) => hasEnding(f, endings))).toEqual(
      [true, true, false, true, true],
    );
  });
});

describe('workspace paths', () => {
  it('turns files into URIs and back, and refuses URIs outside the root', async () => {
    const root = await workspace(['src/a b.ts']);
    const paths = createWorkspacePaths(root);
    const uri = paths.uriOf('src/a b.ts');
    expect(uri).toMatch(/^file:\/\/.*\/src\/a%20b\.ts$/);
    expect(paths.fileOf(uri)).toBe('src/a b.ts');
    expect(paths.fileOf('file:///etc/passwd')).toBeUndefined();
    expect(paths.fileOf(paths.uriOf('../x.ts'))).toBeUndefined();
    expect(paths.fileOf('untitled:Untitled-1')).toBeUndefined();
    expect(paths.fileOf('not a uri')).toBeUndefined();
  });

  it('accepts the real path of a root reached through a symbolic link', async () => {
    const real = await workspace(['a.ts']);
    const parent = await makeWorkspace();
    const linked = join(parent, 'root');
    await symlink(real, linked);
    const paths = createWorkspacePaths(linked);
    expect(paths.fileOf(createWorkspacePaths(real).uriOf('a.ts'))).toBe('a.ts');
    expect(await paths.confined('a.ts')).toBe(join(linked, 'a.ts'));
    expect(await paths.confined('../escape.ts')).toBeUndefined();
  });
});
