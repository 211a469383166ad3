import { afterEach, describe, expect, it, vi } from 'vitest';
import { watchForBurstEnd } from '../../../src/sources/files/burst-end.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('watchForBurstEnd', () => {
  it('calls back once a burst of at least minEvents has been quiet for quietMs', () => {
    vi.useFakeTimers();
    const ends: number[] = [];
    const burst = watchForBurstEnd({
      minEvents: 3,
      quietMs: 100,
      onBurstEnd: () => ends.push(Date.now()),
    });
    const started = Date.now();
    for (let i = 0; i < 5; i++) {
      burst.event();
      vi.advanceTimersByTime(60); // never quiet for 100 ms while it lasts
    }
    expect(ends).toEqual([]);
    vi.advanceTimersByTime(100);
    // 100 ms after the last event, which came at 240 ms.
    expect(ends).toEqual([started + 340]);
    vi.advanceTimersByTime(1000);
    expect(ends).toHaveLength(1);
  });

  it('ignores a few events, and counts each burst afresh', () => {
    vi.useFakeTimers();
    let ends = 0;
    const burst = watchForBurstEnd({ minEvents: 3, quietMs: 100, onBurstEnd: () => ends++ });
    burst.event();
    burst.event();
    vi.advanceTimersByTime(200);
    burst.event();
    vi.advanceTimersByTime(200);
    expect(ends).toBe(0);
    for (let i = 0; i < 3; i++) burst.event();
    vi.advanceTimersByTime(200);
    expect(ends).toBe(1);
  });

  it('says nothing once closed', () => {
    vi.useFakeTimers();
    let ends = 0;
    const burst = watchForBurstEnd({ minEvents: 1, quietMs: 100, onBurstEnd: () => ends++ });
    burst.event();
    burst.close();
    vi.advanceTimersByTime(1000);
    expect(ends).toBe(0);
  });
});
