import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  escapeRegex,
  toByteSafeRegex,
  toRipgrepRegex,
  validateRegex,
} from '../../../src/sources/search/regex-dialect.js';

/** Whether rg accepts a pattern (exit 0 or 1: matched or not; 2 is an error). */
function ripgrepAccepts(pattern: string): boolean {
  const run = spawnSync('rg', ['--no-config', '--crlf', '--regexp', pattern, '-'], {
    input: 'x\n',
  });
  return run.status === 0 || run.status === 1;
}

describe('the search regex dialect', () => {
  it('refuses what ripgrep cannot run, with the reason', () => {
    expect(() => validateRegex('(?=a)b')).toThrow(/lookahead and lookbehind are not supported/);
    expect(() => validateRegex('a(?<!b)')).toThrow(/lookahead and lookbehind/);
    expect(() => validateRegex('(a)\\1')).toThrow(/backreferences are not supported/);
    expect(() => validateRegex('(?<x>a)\\k<x>')).toThrow(/backreferences/);
    expect(() => validateRegex('a\\nb')).toThrow(/cannot match a line break/);
    expect(() => validateRegex('a\\rb')).toThrow(/cannot match a line break/);
    expect(() => validateRegex('[]')).toThrow(/never matches/);
    expect(() => validateRegex('\\uD800')).toThrow(/lone surrogate/);
    expect(() => validateRegex('a(')).toThrow(SyntaxError);
    expect(() => validateRegex('\\/')).not.toThrow();
    expect(() => validateRegex('[^\\n]+')).not.toThrow(); // a line break inside a class is fine
  });

  it('writes JavaScript meaning out in Rust syntax', () => {
    expect(toRipgrepRegex('a.b')).toBe('a[^\\n\\r\\x{2028}\\x{2029}]b');
    expect(toRipgrepRegex('\\w+\\d\\b')).toBe('[0-9A-Za-z_]+[0-9](?-u:\\b)');
    expect(toRipgrepRegex('\\W\\D\\B')).toBe('[[^0-9A-Za-z_]][[^0-9]](?-u:\\B)');
    expect(toRipgrepRegex('a\\/b')).toBe('a/b');
    expect(toRipgrepRegex('(?<name>x)|(?:y)')).toBe('(x)|(?:y)');
    expect(toRipgrepRegex('[[&~-]')).toBe('[\\[\\&\\~\\-]');
    expect(toRipgrepRegex('\\u{1F600}\\x41\\cA\\0')).toBe('\\x{1F600}A\\x{1}\\x{0}');
    expect(toRipgrepRegex('\\uD83D\\uDE00')).toBe('\\x{1F600}');
    expect(toRipgrepRegex('[^]')).toBe('[\\x{0}-\\x{10FFFF}]');
    expect(toRipgrepRegex('\\p{Lu}\\P{L}')).toBe('\\p{Lu}\\P{L}');
    expect(toRipgrepRegex('x{2,3}?#')).toBe('x{2,3}?\\#');
  });

  it('gives rg patterns it accepts', () => {
    for (const query of [
      'a.b',
      '\\w+\\s*\\S[\\d\\W]',
      '[^\\n\\r]',
      'a\\/b\\.c',
      '(?<n>x)+?',
      '[[\\]&&~~\\-\\-]',
      '\\p{Script=Greek}\\P{L}',
      '[\\b]\\b',
      '[^]',
      '^x$',
      '\\u{10FFFF}',
    ]) {
      expect(ripgrepAccepts(toRipgrepRegex(query)), query).toBe(true);
    }
  });

  it('keeps the stand-ins of invalid bytes out of what `.` and negated sets match', () => {
    const invalid = '\uDCE9'; // the byte 0xE9 of a latin-1 "é"
    const matches = (query: string, text: string) =>
      new RegExp(toByteSafeRegex(query), 'u').test(text);
    expect(matches('caf.', `caf${invalid}`)).toBe(false);
    expect(matches('caf[^a]', `caf${invalid}`)).toBe(false);
    expect(matches('caf\\W', `caf${invalid}`)).toBe(false);
    expect(matches('caf\\P{L}', `caf${invalid}`)).toBe(false);
    expect(matches('caf[\\D]', `caf${invalid}`)).toBe(false);
    expect(matches('caf.', 'café')).toBe(true);
    expect(matches('caf\\W', 'caf!')).toBe(true);
    expect(matches('😀.', '😀\uD83D\uDC80')).toBe(true); // a real pair is not a stand-in
  });

  it('escapes a literal so it matches itself', () => {
    const literal = 'a.b*c?(d)[e]{f}|g\\h^$/';
    expect(new RegExp(escapeRegex(literal), 'u').exec(`x${literal}y`)?.[0]).toBe(literal);
  });
});
