import { describe, expect, it } from 'vitest';
import { createFloodDetector, createTokenBucket } from '../../src/server/rate-limit.js';

describe('token bucket', () => {
  it('allows a burst, then refills at the rate', () => {
    let now = 0;
    const bucket = createTokenBucket(10, 5, () => now);
    const first = Array.from({ length: 7 }, () => bucket.take());
    expect(first).toEqual([true, true, true, true, true, false, false]);
    now += 100; // 0.1 s at 10/s: one token
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    now += 10_000;
    expect(Array.from({ length: 6 }, () => bucket.take()).filter(Boolean)).toHaveLength(5);
  });

  it('is off with a rate of 0', () => {
    const bucket = createTokenBucket(0, 1);
    expect(Array.from({ length: 1000 }, () => bucket.take()).every(Boolean)).toBe(true);
  });
});

describe('flood detector', () => {
  it('trips only when rejections in one window pass the limit', () => {
    let now = 0;
    const detector = createFloodDetector(3, 1000, () => now);
    expect([1, 2, 3].map(() => detector.recordRejection())).toEqual([false, false, false]);
    now += 1001;
    expect([1, 2, 3].map(() => detector.recordRejection())).toEqual([false, false, false]);
    expect(detector.recordRejection()).toBe(true);
  });

  it('counts the last window, not a fixed one: a flood across a window boundary trips', () => {
    let now = 0;
    const detector = createFloodDetector(400, 10_000, () => now);
    now = 9_900;
    for (let i = 0; i < 400; i++) expect(detector.recordRejection()).toBe(false);
    now = 10_100;
    expect(detector.recordRejection()).toBe(true);
  });

  it('forgets rejections older than the window', () => {
    let now = 0;
    const detector = createFloodDetector(3, 1000, () => now);
    for (let i = 0; i < 3; i++) detector.recordRejection();
    now = 600;
    expect(detector.recordRejection()).toBe(true);
    now = 1_700; // the three at 0 and the one at 600 are over a second old
    expect([1, 2, 3].map(() => detector.recordRejection())).toEqual([false, false, false]);
    expect(detector.recordRejection()).toBe(true);
  });
});
