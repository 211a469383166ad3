import { describe, expect, it } from 'vitest';
import {
  createFileCountCache,
  fileCountKey,
} from '../../../src/sources/search/file-count-cache.js';

describe('the file count cache', () => {
  const key = fileCountKey(['src/**'], []);

  it('remembers counts only while file changes are watched', () => {
    const cache = createFileCountCache();
    cache.set(key, cache.generation(), 10);
    expect(cache.get(key)).toBeUndefined(); // not watching: nothing is trusted
    cache.setWatching(true);
    cache.set(key, cache.generation(), 10);
    expect(cache.get(key)).toBe(10);
    expect(cache.get(fileCountKey([], []))).toBeUndefined();
    cache.setWatching(false);
    expect(cache.get(key)).toBeUndefined();
  });

  it('drops every count on a change, and a count that raced one', () => {
    const cache = createFileCountCache();
    cache.setWatching(true);
    cache.set(key, cache.generation(), 10);
    const before = cache.generation();
    cache.invalidate();
    expect(cache.get(key)).toBeUndefined();
    cache.set(key, before, 11); // counted while the change happened
    expect(cache.get(key)).toBeUndefined();
  });
});
