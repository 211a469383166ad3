import { describe, expect, it } from 'vitest';
import { createWorkspacePaths } from '../../../../src/sources/validation/matchers/common.js';
import { createCustomMatcher } from '../../../../src/sources/validation/matchers/custom.js';
import { fixture } from './fixture.js';

const paths = createWorkspacePaths('/home/dev/demo');

describe('a custom regex matcher', () => {
  it("reads cargo's short format with the groups the config names", () => {
    const matchCargo = createCustomMatcher({
      regexp: '^(.+?):(\\d+):(\\d+): (error|warning)(?:\\[(\\w+)\\])?: (.*)$',
      file: 1,
      line: 2,
      column: 3,
      severity: 4,
      code: 5,
      message: 6,
    });
    expect(matchCargo({ stdout: '', stderr: fixture('cargo-short.txt') }, paths)).toEqual([
      {
        file: 'src/main.rs',
        line: 2,
        column: 18,
        severity: 'error',
        code: 'E0308',
        message: 'mismatched types: expected `i32`, found `&str`',
      },
    ]);
  });

  it('takes ranges and a fixed severity, and skips lines with no usable position', () => {
    const match = createCustomMatcher({
      regexp: '^(\\S+) (\\d*)-(\\d+) (\\d+)-(\\d+) (.*)$',
      file: 1,
      line: 2,
      column: 3,
      endLine: 4,
      endColumn: 5,
      message: 6,
      severity: 'hint',
    });
    const stdout = [
      'a.txt 3-4 5-6 spell check',
      'b.txt -1 1-1 no line',
      '/etc/c 1-1 1-1 outside',
    ].join('\n');
    expect(match({ stdout, stderr: '' }, paths)).toEqual([
      {
        file: 'a.txt',
        line: 3,
        column: 4,
        endLine: 5,
        endColumn: 6,
        severity: 'hint',
        message: 'spell check',
      },
    ]);
  });

  it("reads vitest's github-actions reporter with the matcher from the docs", () => {
    const matchVitest = createCustomMatcher({
      regexp:
        '^::(error|warning|notice) file=(.+?),title=.*?,line=(\\d+),column=(\\d+)::(.*?)(?:%0A.*)?$',
      severity: 1,
      file: 2,
      line: 3,
      column: 4,
      message: 5,
    });
    const paths = createWorkspacePaths('/home/dev/app');
    expect(
      matchVitest({ stdout: fixture('vitest-github-actions.txt'), stderr: '' }, paths),
    ).toEqual([
      {
        file: 'test/a.test.ts',
        line: 3,
        column: 17,
        severity: 'error',
        message: 'AssertionError: expected 2 to be 3 // Object.is equality',
      },
    ]);
  });
});
