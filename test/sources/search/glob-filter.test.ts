import { describe, expect, it } from 'vitest';
import { createGlobFilter } from '../../../src/sources/search/glob-filter.js';

describe('include and exclude globs', () => {
  it('matches a glob without a slash at any depth, and one with a slash from the root', () => {
    const filter = createGlobFilter(['*.ts', 'docs/*.md'], []);
    expect(filter.isSelectedFile('a.ts')).toBe(true);
    expect(filter.isSelectedFile('deep/down/b.ts')).toBe(true);
    expect(filter.isSelectedFile('.hidden/c.ts')).toBe(true);
    expect(filter.isSelectedFile('docs/readme.md')).toBe(true);
    expect(filter.isSelectedFile('src/docs/readme.md')).toBe(false);
    expect(filter.isSelectedFile('a.js')).toBe(false);
  });

  it('lets excludes win, prunes excluded folders, and treats a trailing slash as folders only', () => {
    const filter = createGlobFilter(['src/**'], ['*.test.ts', 'fixtures/', 'vendor']);
    expect(filter.isSelectedFile('src/a.ts')).toBe(true);
    expect(filter.isSelectedFile('src/a.test.ts')).toBe(false);
    expect(filter.isExcludedDir('src/fixtures')).toBe(true);
    expect(filter.isSelectedFile('src/fixtures')).toBe(true); // a file named like the folder glob
    expect(filter.isExcludedDir('lib/vendor')).toBe(true);
    expect(filter.isSelectedFile('src/vendor')).toBe(false);
    expect(filter.isExcludedDir('src')).toBe(false);
  });

  it('selects everything without includes', () => {
    const filter = createGlobFilter([], []);
    expect(filter.isSelectedFile('any/thing.bin')).toBe(true);
    expect(filter.isExcludedDir('any')).toBe(false);
  });
});
