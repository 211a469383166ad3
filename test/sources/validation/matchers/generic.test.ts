import { describe, expect, it } from 'vitest';
import { createWorkspacePaths } from '../../../../src/sources/validation/matchers/common.js';
import { matchGeneric } from '../../../../src/sources/validation/matchers/generic.js';
import { fixture } from './fixture.js';

const paths = createWorkspacePaths('/home/dev/demo');

describe('the generic matcher', () => {
  it("reads gcc's diagnostics and skips its code frames and headings", () => {
    expect(matchGeneric({ stdout: '', stderr: fixture('gcc.txt') }, paths)).toEqual([
      {
        file: 'g6.c',
        line: 2,
        column: 11,
        severity: 'warning',
        message:
          'initialization of ‘int’ from ‘char *’ makes integer from pointer without a cast [-Wint-conversion]',
      },
      {
        file: 'g6.c',
        line: 3,
        column: 10,
        severity: 'error',
        message: '‘y’ undeclared (first use in this function)',
      },
      {
        file: 'g6.c',
        line: 3,
        column: 10,
        severity: 'info',
        message: 'each undeclared identifier is reported only once for each function it appears in',
      },
      {
        file: 'g6.c',
        line: 2,
        column: 7,
        severity: 'warning',
        message: 'unused variable ‘x’ [-Wunused-variable]',
      },
    ]);
  });

  it('takes lines without a column or a severity word, and drops paths outside the root', () => {
    const stdout = [
      './main.go:7:2: fmt.Printf format %d has arg s of wrong type string',
      'src/app.py:12: WARN: something odd',
      '/home/dev/demo/lib/a.c:1:1: Error: capitalized',
      '/etc/passwd:1:1: error: outside',
      '../x.c:1:1: error: outside too',
      'Error: no position here',
      '   at foo (src/a.js:3:4)',
    ].join('\n');
    expect(matchGeneric({ stdout, stderr: '' }, paths)).toEqual([
      {
        file: 'main.go',
        line: 7,
        column: 2,
        severity: 'error',
        message: 'fmt.Printf format %d has arg s of wrong type string',
      },
      { file: 'src/app.py', line: 12, column: 1, severity: 'warning', message: 'something odd' },
      { file: 'lib/a.c', line: 1, column: 1, severity: 'error', message: 'capitalized' },
    ]);
  });
});
