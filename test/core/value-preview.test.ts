import { describe, expect, it } from 'vitest';
import { previewValue } from '../../src/core/value-preview.js';

describe('previewValue', () => {
  it('shows a short value as JSON', () => {
    expect(previewValue('often')).toBe('"often"');
    expect(previewValue({ a: [1, true, null], b: 'x' })).toBe('{"a":[1,true,null],"b":"x"}');
    expect(previewValue(undefined)).toBe('undefined');
    expect(previewValue(10n)).toBe('10n');
  });

  it('cuts a long value to the length asked for, with …', () => {
    const preview = previewValue('x'.repeat(1_000_000), 20);
    expect(preview).toBe(`"${'x'.repeat(18)}…`);
    expect(
      previewValue(
        Array.from({ length: 100_000 }, (_, i) => i),
        12,
      ),
    ).toBe('[0,1,2,3,4,…');
  });

  it('does not overflow on a value nested far deeper than the stack, nor loop on a cycle', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(previewValue(deep, 10)).toBe('[[[[[[[[[…');
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle.self = cycle;
    expect(previewValue(cycle)).toBe('{"name":"loop","self":[Circular]}');
  });
});
