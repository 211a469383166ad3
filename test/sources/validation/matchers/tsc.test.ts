import { describe, expect, it } from 'vitest';
import { createWorkspacePaths } from '../../../../src/sources/validation/matchers/common.js';
import { matchTsc } from '../../../../src/sources/validation/matchers/tsc.js';
import { fixture } from './fixture.js';

const paths = createWorkspacePaths('/home/dev/app');

const EXPECTED = [
  {
    file: 'src/a.ts',
    line: 2,
    column: 7,
    severity: 'error',
    code: 'TS2322',
    message: "Type 'string' is not assignable to type 'number'.",
  },
  {
    file: 'src/a.ts',
    line: 3,
    column: 18,
    severity: 'error',
    code: 'TS2322',
    message: "Type 'string' is not assignable to type 'number'.",
  },
  {
    file: 'src/a.ts',
    line: 4,
    column: 35,
    severity: 'error',
    code: 'TS2304',
    message: "Cannot find name 'missing'.",
  },
  {
    file: 'src/b.ts',
    line: 2,
    column: 14,
    severity: 'error',
    code: 'TS2322',
    message: [
      "Type '{ a: { b: string; }; }' is not assignable to type 'Foo'.",
      "The types of 'a.b' are incompatible between these types.",
      "  Type 'string' is not assignable to type 'number'.",
    ].join('\n'),
  },
  {
    file: 't2.json',
    line: 1,
    column: 24,
    severity: 'error',
    code: 'TS5023',
    message: "Unknown compiler option 'bogus'.",
  },
];

describe('the tsc matcher', () => {
  it('reads the plain form, chained messages included', () => {
    expect(matchTsc({ stdout: fixture('tsc-plain.txt'), stderr: '' }, paths)).toEqual(EXPECTED);
  });

  it('reads the pretty form with its colors, code frames and related locations', () => {
    // The related location (`  src/a.ts:1:17`, indented) and the summary are not problems.
    expect(matchTsc({ stdout: fixture('tsc-pretty.txt'), stderr: '' }, paths)).toEqual(EXPECTED);
  });

  it('takes warnings and messages, absolute paths inside the root, and drops the rest', () => {
    const stdout = [
      '/home/dev/app/lib/x.ts(10,1): warning TS6133: unused.',
      '/elsewhere/y.ts(1,1): error TS1005: outside.',
      '../other/z.ts(1,1): error TS1005: outside too.',
      'lib/x.ts(3,4): message TS6032: File change detected.',
      'error TS5058: The specified path does not exist: nope.json.',
      'Found 2 errors.',
    ].join('\r\n');
    expect(matchTsc({ stdout, stderr: '' }, paths)).toEqual([
      {
        file: 'lib/x.ts',
        line: 10,
        column: 1,
        severity: 'warning',
        code: 'TS6133',
        message: 'unused.',
      },
      {
        file: 'lib/x.ts',
        line: 3,
        column: 4,
        severity: 'info',
        code: 'TS6032',
        message: 'File change detected.',
      },
    ]);
  });
});
