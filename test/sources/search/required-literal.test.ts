import { describe, expect, it } from 'vitest';
import { requiredLiterals } from '../../../src/sources/search/required-literal.js';

describe('requiredLiterals', () => {
  it('finds the longest text every match holds', () => {
    expect(requiredLiterals('\\w+needle\\d+', false)).toEqual(['needle']);
    expect(requiredLiterals('foo', false)).toEqual(['foo']);
    expect(requiredLiterals('\\bTODO\\b', true)).toEqual(['TODO']);
    expect(requiredLiterals('ab+cdef?', false)).toEqual(['cde']); // `f?` may be absent
    expect(requiredLiterals('\\b(?:needle)\\b', false)).toEqual(['needle']);
    expect(requiredLiterals('(abc)?xy', false)).toEqual(['xy']);
    expect(requiredLiterals('x(abcd)+', false)).toEqual(['abcd']);
    expect(requiredLiterals('a{2}bc', false)).toEqual(['bc']);
  });

  it('gives one text per branch of an alternation, or none if a branch has none', () => {
    expect(requiredLiterals('foo|bar\\d', false)).toEqual(['foo', 'bar']);
    expect(requiredLiterals('foo|foo', false)).toEqual(['foo']);
    expect(requiredLiterals('foo|\\d+', false)).toBeNull();
    expect(requiredLiterals('\\b(?:foo|bar)\\b', false)).toBeNull();
  });

  it('gives up on short texts', () => {
    expect(requiredLiterals('a.b', false)).toBeNull();
    expect(requiredLiterals('[abc]+', false)).toBeNull();
  });

  it('counts only ASCII when case does not matter', () => {
    expect(requiredLiterals('café', true)).toEqual(['caf']);
    expect(requiredLiterals('café', false)).toEqual(['café']);
    expect(requiredLiterals('éé', true)).toBeNull();
  });
});
