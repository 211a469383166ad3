import { describe, expect, it } from 'vitest';
import { createWorkspacePaths } from '../../../../src/sources/validation/matchers/common.js';
import { matchEslintJson } from '../../../../src/sources/validation/matchers/eslint-json.js';
import { fixture } from './fixture.js';

const paths = createWorkspacePaths('/home/dev/app');

describe('the eslint-json matcher', () => {
  it('reads errors, warnings, fatal parse errors and their ranges', () => {
    expect(matchEslintJson({ stdout: fixture('eslint-output.txt'), stderr: '' }, paths)).toEqual([
      {
        file: 'src/broken.js',
        line: 1,
        column: 11,
        severity: 'error',
        message: 'Parsing error: Unexpected token ;',
      },
      {
        file: 'src/c.js',
        line: 1,
        column: 7,
        endLine: 1,
        endColumn: 13,
        severity: 'error',
        code: 'no-unused-vars',
        message: "'unused' is assigned a value but never used.",
      },
      {
        file: 'src/c.js',
        line: 2,
        column: 1,
        endLine: 2,
        endColumn: 12,
        severity: 'warning',
        code: 'no-console',
        message: 'Unexpected console statement.',
      },
      {
        file: 'src/c.js',
        line: 2,
        column: 18,
        endLine: 3,
        endColumn: 1,
        severity: 'error',
        code: 'semi',
        message: 'Missing semicolon.',
      },
    ]);
  });

  it('skips files outside the root and malformed entries, and survives output that is not JSON', () => {
    const report = [
      {
        filePath: '/elsewhere/x.js',
        messages: [{ severity: 2, message: 'm', line: 1, column: 1 }],
      },
      {
        filePath: '/home/dev/app/a.js',
        messages: [{ severity: 1, message: 'file-level' }, { bad: true }],
      },
      { nope: 1 },
    ];
    const stdout = `a plugin said hello\n${JSON.stringify(report)}\n`;
    expect(matchEslintJson({ stdout, stderr: '' }, paths)).toEqual([
      { file: 'a.js', line: 1, column: 1, severity: 'warning', message: 'file-level' },
    ]);
    expect(
      matchEslintJson({ stdout: '[{"filePath":"/home/dev/app/a.js","mess', stderr: '' }, paths),
    ).toEqual([]);
    expect(matchEslintJson({ stdout: '', stderr: 'Oops! Something went wrong!' }, paths)).toEqual(
      [],
    );
  });
});
