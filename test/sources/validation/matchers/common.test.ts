import { mkdir, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createWorkspacePaths,
  stripAnsi,
  toSeverity,
} from '../../../../src/sources/validation/matchers/common.js';
import { makeTempDir } from '../../../support/server.js';

describe('workspace paths', () => {
  it('makes paths relative to the root and refuses what is outside it', () => {
    const paths = createWorkspacePaths('/home/dev/app');
    expect(paths.toRelative('src/a.ts')).toBe('src/a.ts');
    expect(paths.toRelative('./src/../lib/b.ts')).toBe('lib/b.ts');
    expect(paths.toRelative('/home/dev/app/src/a.ts')).toBe('src/a.ts');
    expect(paths.toRelative('/home/dev/application/a.ts')).toBeNull();
    expect(paths.toRelative('../app2/a.ts')).toBeNull();
    expect(paths.toRelative('/home/dev/app')).toBeNull();
    expect(paths.toRelative('  ')).toBeNull();
  });

  it('accepts the real path of a root reached through a symlink', async () => {
    const base = await makeTempDir();
    try {
      await mkdir(join(base, 'real'));
      await symlink(join(base, 'real'), join(base, 'link'));
      const paths = createWorkspacePaths(join(base, 'link'));
      expect(paths.toRelative(join(base, 'real', 'src', 'x.js'))).toBe('src/x.js');
      expect(paths.toRelative(join(base, 'link', 'y.js'))).toBe('y.js');
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });
});

describe('output helpers', () => {
  it('strips color codes and hyperlinks', () => {
    expect(stripAnsi('\u001b[96msrc/a.ts\u001b[0m:\u001b[93m2\u001b[0m')).toBe('src/a.ts:2');
    expect(stripAnsi('\u001b]8;;https://x.dev\u0007link\u001b]8;;\u0007')).toBe('link');
  });

  it('maps severity words', () => {
    expect(
      ['Warning', 'warn', 'W', 'note', 'info', 'hint', 'error', 'fatal', undefined].map(toSeverity),
    ).toEqual(['warning', 'warning', 'warning', 'info', 'info', 'hint', 'error', 'error', 'error']);
  });
});
