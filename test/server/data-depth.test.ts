import { describe, expect, it } from 'vitest';
import { nestsDeeperThan } from '../../src/server/data-depth.js';

const nested = (levels: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { key: value };
  return value;
};

describe('nestsDeeperThan', () => {
  it('counts each array or object as one level, scalars as none', () => {
    expect(nestsDeeperThan('text', 0)).toBe(false);
    expect(nestsDeeperThan(null, 0)).toBe(false);
    expect(nestsDeeperThan({}, 0)).toBe(true);
    expect(nestsDeeperThan({ a: [1] }, 2)).toBe(false);
    expect(nestsDeeperThan({ a: [1] }, 1)).toBe(true);
    expect(nestsDeeperThan([1, [2, [3]], { b: 'c' }], 3)).toBe(false);
    expect(nestsDeeperThan([1, [2, [3]], { b: 'c' }], 2)).toBe(true);
  });

  it('finds the deepest branch of wide data', () => {
    const wide = Array.from({ length: 100 }, (_, i) => (i === 57 ? nested(10) : nested(3)));
    expect(nestsDeeperThan(wide, 11)).toBe(false);
    expect(nestsDeeperThan(wide, 10)).toBe(true);
  });

  it('measures data far deeper than the call stack allows without overflowing', () => {
    expect(nestsDeeperThan(nested(100_000), 128)).toBe(true);
    expect(nestsDeeperThan(nested(128), 128)).toBe(false);
  });
});
