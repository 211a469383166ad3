import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF, normalizeBackoff } from '../../src/client/backoff.js';

const noJitter = normalizeBackoff({ jitter: 0 });

describe('backoffDelay', () => {
  it('grows exponentially from the initial delay', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, noJitter))).toEqual([
      250, 500, 1000, 2000, 4000,
    ]);
  });

  it('never exceeds maxDelayMs, even for huge attempts', () => {
    expect(backoffDelay(6, noJitter)).toBe(8000);
    expect(backoffDelay(7, noJitter)).toBe(10_000);
    expect(backoffDelay(50, noJitter)).toBe(10_000);
    expect(backoffDelay(10_000, noJitter)).toBe(10_000);
  });

  it('treats attempts below 1 as the first', () => {
    expect(backoffDelay(0, noJitter)).toBe(250);
    expect(backoffDelay(-3, noJitter)).toBe(250);
  });

  it('jitter only shortens the delay, by at most the jitter fraction', () => {
    const options = normalizeBackoff({ initialDelayMs: 1000, jitter: 0.5 });
    expect(backoffDelay(1, options, () => 0)).toBe(1000);
    expect(backoffDelay(1, options, () => 0.5)).toBe(750);
    expect(backoffDelay(1, options, () => 0.999_999)).toBe(500);
    for (let i = 0; i < 1000; i++) {
      const delay = backoffDelay(3, options);
      expect(delay).toBeGreaterThanOrEqual(2000);
      expect(delay).toBeLessThanOrEqual(4000);
    }
  });

  it('clamps a misbehaving random source', () => {
    const options = normalizeBackoff({ initialDelayMs: 100, jitter: 1 });
    expect(backoffDelay(1, options, () => 7)).toBe(0);
    expect(backoffDelay(1, options, () => -1)).toBe(100);
  });

  it('uses the defaults when given no options', () => {
    expect(backoffDelay(1, undefined, () => 0)).toBe(DEFAULT_BACKOFF.initialDelayMs);
  });
});

describe('normalizeBackoff', () => {
  it('fills in the documented defaults', () => {
    expect(normalizeBackoff()).toEqual({
      initialDelayMs: 250,
      maxDelayMs: 10_000,
      factor: 2,
      jitter: 0.5,
    });
  });

  it('keeps valid values', () => {
    expect(
      normalizeBackoff({ initialDelayMs: 10, maxDelayMs: 50, factor: 3, jitter: 0.1 }),
    ).toEqual({
      initialDelayMs: 10,
      maxDelayMs: 50,
      factor: 3,
      jitter: 0.1,
    });
  });

  it('replaces nonsense with defaults and clamps ranges', () => {
    const options = normalizeBackoff({
      initialDelayMs: -5,
      maxDelayMs: Number.NaN,
      factor: 0.5,
      jitter: 4,
    });
    expect(options).toEqual({ initialDelayMs: 250, maxDelayMs: 10_000, factor: 2, jitter: 1 });
  });

  it('raises maxDelayMs to at least initialDelayMs', () => {
    expect(normalizeBackoff({ initialDelayMs: 5000, maxDelayMs: 100 }).maxDelayMs).toBe(5000);
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(normalizeBackoff())).toBe(true);
  });
});
