import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SidecarError } from '../../../src/core/errors.js';
import { parseLog, workspacePath } from '../../../src/sources/git/git-methods.js';

describe('workspacePath', () => {
  const root = join('/', 'work', 'project');

  it('turns a path inside the workspace into a root-relative pathspec', () => {
    expect(workspacePath(root, 'src/app.ts')).toBe('src/app.ts');
    expect(workspacePath(root, './src/../lib/x.ts')).toBe('lib/x.ts');
    expect(workspacePath(root, join(root, 'src', 'app.ts'))).toBe('src/app.ts');
    expect(workspacePath(root, '.')).toBe('.');
    expect(workspacePath(root, '..hidden')).toBe('..hidden');
  });

  it('refuses paths that leave the workspace or enter .git, naming the field', () => {
    for (const file of ['..', '../x', 'a/../../x', '/etc/passwd', '.git/config', 'sub/.git/HEAD']) {
      let thrown: unknown;
      try {
        workspacePath(root, file);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, file).toBeInstanceOf(SidecarError);
      expect(thrown).toMatchObject({ code: 'INVALID_PARAMS', details: { field: 'file' } });
    }
  });
});

describe('parseLog', () => {
  it('reads four NUL-separated fields per commit', () => {
    const a = 'a'.repeat(40);
    const b = 'b'.repeat(40);
    const output = `${a}\0fix: a bug\0Ann\x002026-01-02T03:04:05+00:00\0${b}\0first\0Bob\x002026-01-01T00:00:00+00:00\n`;
    expect(parseLog(output)).toEqual([
      { sha: a, subject: 'fix: a bug', author: 'Ann', date: '2026-01-02T03:04:05+00:00' },
      { sha: b, subject: 'first', author: 'Bob', date: '2026-01-01T00:00:00+00:00' },
    ]);
    expect(parseLog('')).toEqual([]);
  });
});
