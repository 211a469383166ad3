import { describe, expect, it } from 'vitest';
import { createSubscriberIndex } from '../../src/server/subscriber-index.js';

describe('subscriber index', () => {
  it('indexes both ways and forgets channels nobody follows', () => {
    const index = createSubscriberIndex<string>();
    index.add('files', 'a');
    index.add('git', 'a');
    index.add('files', 'b');
    expect([...(index.subscribersOf('files') ?? [])]).toEqual(['a', 'b']);
    expect(index.channelsOf('a')).toEqual(['files', 'git']);
    expect(index.has('b', 'git')).toBe(false);
    index.removeAll('a');
    expect(index.subscribersOf('git')).toBeUndefined();
    expect([...(index.subscribersOf('files') ?? [])]).toEqual(['b']);
    index.remove('files', 'b');
    expect(index.subscribersOf('files')).toBeUndefined();
    expect(index.channelsOf('b')).toEqual([]);
  });
});
