import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRefreshScheduler } from '../../../src/sources/git/refresh-scheduler.js';

/** A refresh that runs until the test lets it finish. */
function controllableRun() {
  const finishers: (() => void)[] = [];
  let active = 0;
  let maxActive = 0;
  const run = vi.fn(
    () =>
      new Promise<void>((resolve) => {
        active++;
        maxActive = Math.max(maxActive, active);
        finishers.push(() => {
          active--;
          resolve();
        });
      }),
  );
  return {
    run,
    /** Lets the oldest running refresh finish, and the promises settle. */
    async finishOne() {
      finishers.shift()?.();
      await vi.advanceTimersByTimeAsync(0);
    },
    get maxActive() {
      return maxActive;
    },
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createRefreshScheduler', () => {
  it('debounces a burst of requests into one refresh', async () => {
    const refresh = controllableRun();
    const scheduler = createRefreshScheduler({
      run: refresh.run,
      onError: () => {},
      debounceMs: 50,
      maxWaitMs: 1000,
    });
    for (let i = 0; i < 10; i++) {
      scheduler.request();
      await vi.advanceTimersByTimeAsync(20);
    }
    expect(refresh.run).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(50);
    expect(refresh.run).toHaveBeenCalledTimes(1);
    await refresh.finishOne();
  });

  it('still refreshes after maxWaitMs when requests never stop', async () => {
    const refresh = controllableRun();
    const scheduler = createRefreshScheduler({
      run: refresh.run,
      onError: () => {},
      debounceMs: 50,
      maxWaitMs: 200,
    });
    for (let i = 0; i < 12; i++) {
      scheduler.request();
      await vi.advanceTimersByTimeAsync(20);
    }
    expect(refresh.run).toHaveBeenCalledTimes(1);
    await refresh.finishOne();
  });

  it('runs one refresh at a time, and once more for everything asked meanwhile', async () => {
    const refresh = controllableRun();
    const scheduler = createRefreshScheduler({
      run: refresh.run,
      onError: () => {},
      debounceMs: 10,
      maxWaitMs: 100,
    });
    scheduler.request();
    await vi.advanceTimersByTimeAsync(10);
    expect(refresh.run).toHaveBeenCalledTimes(1);
    // Many requests while the first refresh runs…
    for (let i = 0; i < 20; i++) {
      scheduler.request();
      await vi.advanceTimersByTimeAsync(15);
    }
    expect(refresh.run).toHaveBeenCalledTimes(1);
    // …lead to exactly one more, after it.
    await refresh.finishOne();
    expect(refresh.run).toHaveBeenCalledTimes(2);
    await refresh.finishOne();
    await vi.advanceTimersByTimeAsync(1000);
    expect(refresh.run).toHaveBeenCalledTimes(2);
    expect(refresh.maxActive).toBe(1);
  });

  it('refreshNow resolves after a refresh that began after the call', async () => {
    const refresh = controllableRun();
    const scheduler = createRefreshScheduler({
      run: refresh.run,
      onError: () => {},
      debounceMs: 10,
      maxWaitMs: 100,
    });
    const first = scheduler.refreshNow();
    expect(refresh.run).toHaveBeenCalledTimes(1);
    let secondDone = false;
    const second = scheduler.refreshNow().then(() => {
      secondDone = true;
    });
    await refresh.finishOne();
    await first;
    // The first refresh had begun before the second call: it does not count for it.
    expect(secondDone).toBe(false);
    expect(refresh.run).toHaveBeenCalledTimes(2);
    await refresh.finishOne();
    await second;
    expect(secondDone).toBe(true);
  });

  it('reports a failed refresh and keeps going', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const scheduler = createRefreshScheduler({
      run: async () => {
        calls++;
        if (calls === 1) throw new Error('git failed');
      },
      onError: (error) => errors.push(error),
      debounceMs: 10,
      maxWaitMs: 100,
    });
    await scheduler.refreshNow();
    await scheduler.refreshNow();
    expect(calls).toBe(2);
    expect(errors).toEqual([new Error('git failed')]);
  });

  it('does nothing after dispose, and waits for the refresh still running', async () => {
    const refresh = controllableRun();
    const scheduler = createRefreshScheduler({
      run: refresh.run,
      onError: () => {},
      debounceMs: 10,
      maxWaitMs: 100,
    });
    void scheduler.refreshNow();
    scheduler.request();
    let disposed = false;
    const disposing = scheduler.dispose().then(() => {
      disposed = true;
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(disposed).toBe(false);
    await refresh.finishOne();
    await disposing;
    scheduler.request();
    await scheduler.refreshNow();
    await vi.advanceTimersByTimeAsync(100);
    expect(refresh.run).toHaveBeenCalledTimes(1);
  });
});
