import { describe, expect, it } from 'vitest';
import { requiredLiteral } from '../../../src/sources/search/required-literal.js';

describe('requiredLiteral', () => {
  it('finds the longest text every match holds', () => {
    expect(requiredLiteral('\\w+needle\\d+', false)).toBe('needle');
    expect(requiredLiteral('foo', false)).toBe('foo');
    expect(requiredLiteral('\\bTODO\\b', true)).toBe('TODO');
    expect(requiredLiteral('ab+cdef?', false)).toBe('cde'); // `f?` may be absent
    expect(requiredLiteral('\\b(?:foo|bar)\\b', false)).toBeNull();
    expect(requiredLiteral('\\b(?:needle)\\b', false)).toBe('needle');
    expect(requiredLiteral('(abc)?xy', false)).toBe('xy');
    expect(requiredLiteral('x(abcd)+', false)).toBe('abcd');
    expect(requiredLiteral('a{2}bc', false)).toBe('bc');
  });

  it('gives up on alternatives and short texts', () => {
    expect(requiredLiteral('foo|bar', false)).toBeNull();
    expect(requiredLiteral('a.b', false)).toBeNull();
    expect(requiredLiteral('[abc]+', false)).toBeNull();
  });

  it('counts only ASCII when case does not matter', () => {
    expect(requiredLiteral('café', true)).toBe('caf');
    expect(requiredLiteral('café', false)).toBe('café');
    expect(requiredLiteral('éé', true)).toBeNull();
  });
});
