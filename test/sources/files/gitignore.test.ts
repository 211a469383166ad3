import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIgnoreFilter } from '../../../src/sources/files/gitignore.js';

let root: string;

function write(relPath: string, content = ''): void {
  const absolute = join(root, relPath);
  mkdirSync(dirname(absolute), { recursive: true });
  writeFileSync(absolute, content);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'sidecar-gitignore-'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('createIgnoreFilter', () => {
  it('always ignores .git and node_modules at any depth, and everything under them', () => {
    const filter = createIgnoreFilter(root);
    expect(filter.isIgnored('.git', true)).toBe(true);
    expect(filter.isIgnored('.git/HEAD', false)).toBe(true);
    expect(filter.isIgnored('node_modules', true)).toBe(true);
    expect(filter.isIgnored('node_modules/x.js', false)).toBe(true);
    expect(filter.isIgnored('packages/app/node_modules/lib/index.js', false)).toBe(true);
    expect(filter.isIgnored('src/index.ts', false)).toBe(false);
    expect(filter.isIgnored('.gitignore', false)).toBe(false);
  });

  it('never ignores the root itself', () => {
    write('.gitignore', '*\n');
    const filter = createIgnoreFilter(root);
    expect(filter.isIgnored('', true)).toBe(false);
    expect(filter.isIgnored('.', true)).toBe(false);
  });

  it('honours the root .gitignore, negations and ignored folders', () => {
    write('.gitignore', '*.log\n!keep.log\n/dist\ntmp/\n');
    const filter = createIgnoreFilter(root);
    expect(filter.isIgnored('debug.log', false)).toBe(true);
    expect(filter.isIgnored('deep/down/debug.log', false)).toBe(true);
    expect(filter.isIgnored('keep.log', false)).toBe(false);
    expect(filter.isIgnored('dist', true)).toBe(true);
    expect(filter.isIgnored('dist/bundle.js', false)).toBe(true);
    expect(filter.isIgnored('src/dist', true)).toBe(false); // anchored to the root
    expect(filter.isIgnored('notes.txt', false)).toBe(false);
  });

  it('applies directory-only rules to folders and what is under them, not to files', () => {
    write('.gitignore', 'build/\n');
    const filter = createIgnoreFilter(root);
    expect(filter.isIgnored('build', true)).toBe(true);
    expect(filter.isIgnored('build/out.js', false)).toBe(true);
    expect(filter.isIgnored('sub/build/deep/out.js', false)).toBe(true);
    expect(filter.isIgnored('build', false)).toBe(false); // a file named build
  });

  it('cannot re-include a file inside an ignored folder', () => {
    write('.gitignore', 'logs/\n!logs/important.txt\n');
    const filter = createIgnoreFilter(root);
    expect(filter.isIgnored('logs/important.txt', false)).toBe(true);
  });

  it('applies nested .gitignore rules relative to their own folder', () => {
    write('.gitignore', '*.log\n');
    write('packages/app/.gitignore', '/generated\n*.tmp\n!special.log\n');
    const filter = createIgnoreFilter(root);
    expect(filter.isIgnored('packages/app/generated', true)).toBe(true);
    expect(filter.isIgnored('packages/app/generated/a.ts', false)).toBe(true);
    expect(filter.isIgnored('packages/app/src/generated', true)).toBe(false); // anchored
    expect(filter.isIgnored('generated', true)).toBe(false); // not the root's rule
    expect(filter.isIgnored('packages/app/src/x.tmp', false)).toBe(true);
    expect(filter.isIgnored('x.tmp', false)).toBe(false);
    // The deeper file wins over the root one.
    expect(filter.isIgnored('packages/app/special.log', false)).toBe(false);
    expect(filter.isIgnored('packages/app/other.log', false)).toBe(true);
    expect(filter.isIgnored('packages/app/index.ts', false)).toBe(false);
  });

  it('honours .git/info/exclude, below the .gitignore files in precedence', () => {
    write('.git/info/exclude', 'secret.txt\n*.bak\n');
    write('.gitignore', '!wanted.bak\n');
    const filter = createIgnoreFilter(root);
    expect(filter.isIgnored('secret.txt', false)).toBe(true);
    expect(filter.isIgnored('sub/old.bak', false)).toBe(true);
    expect(filter.isIgnored('wanted.bak', false)).toBe(false);
    expect(filter.isIgnored('public.txt', false)).toBe(false);
  });

  it('caches rules until the folder is invalidated', () => {
    write('sub/.gitignore', 'a.txt\n');
    const filter = createIgnoreFilter(root);
    expect(filter.isIgnored('sub/a.txt', false)).toBe(true);
    expect(filter.isIgnored('sub/b.txt', false)).toBe(false);

    write('sub/.gitignore', 'b.txt\n');
    expect(filter.isIgnored('sub/b.txt', false)).toBe(false); // still the cached rules

    filter.invalidate('sub');
    expect(filter.isIgnored('sub/a.txt', false)).toBe(false);
    expect(filter.isIgnored('sub/b.txt', false)).toBe(true);
  });

  it('re-reads the root rules, and folder verdicts, after invalidating the root', () => {
    const filter = createIgnoreFilter(root);
    expect(filter.isIgnored('out/file.js', false)).toBe(false);
    write('.gitignore', 'out/\n');
    filter.invalidate('');
    expect(filter.isIgnored('out/file.js', false)).toBe(true);
    expect(filter.isIgnored('out', true)).toBe(true);
  });

  it('does not read .gitignore files inside ignored folders', () => {
    write('.gitignore', 'vendor/\n');
    write('vendor/.gitignore', '!*\n');
    const filter = createIgnoreFilter(root);
    expect(filter.isIgnored('vendor/lib.js', false)).toBe(true);
  });

  it('judges the entries of a folder through inFolder exactly as isIgnored does', () => {
    write('.gitignore', '*.log\n!keep.log\nbuild/\n/top.txt\n');
    write('src/.gitignore', 'gen/\n*.tmp\n!important.tmp\n');
    write('.git/info/exclude', 'secret.txt\n');
    const paths = [
      ['', 'a.log'],
      ['', 'keep.log'],
      ['', 'top.txt'],
      ['', 'build'],
      ['', 'secret.txt'],
      ['', 'node_modules'],
      ['src', 'top.txt'],
      ['src', 'gen'],
      ['src', 'x.tmp'],
      ['src', 'important.tmp'],
      ['src/deep', 'y.tmp'],
      ['src/deep', 'ok.ts'],
      ['src/gen', 'file.ts'],
      ['build', 'out.js'],
      ['node_modules/pkg', 'index.js'],
    ] as const;
    const filter = createIgnoreFilter(root);
    for (const [folder, name] of paths) {
      for (const isDir of [false, true]) {
        const path = folder ? `${folder}/${name}` : name;
        expect(filter.inFolder(folder)(name, isDir), `${path} ${isDir}`).toBe(
          createIgnoreFilter(root).isIgnored(path, isDir),
        );
      }
    }
  });
});
