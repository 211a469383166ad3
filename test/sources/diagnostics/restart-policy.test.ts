import { describe, expect, it } from 'vitest';
import { createRestartPolicy } from '../../../src/sources/diagnostics/restart-policy.js';

describe('the restart policy', () => {
  const options = { initialDelayMs: 100, maxDelayMs: 500, maxCrashes: 5, windowMs: 10_000 };

  it('doubles the delay with each crash in the window, up to the maximum, then gives up', () => {
    const policy = createRestartPolicy(options);
    expect([0, 1, 2, 3].map((t) => policy.crashed(t))).toEqual([
      { restart: true, delayMs: 100, crashes: 1 },
      { restart: true, delayMs: 200, crashes: 2 },
      { restart: true, delayMs: 400, crashes: 3 },
      { restart: true, delayMs: 500, crashes: 4 },
    ]);
    expect(policy.crashed(4)).toEqual({ restart: false, crashes: 5 });
  });

  it('forgets crashes older than the window', () => {
    const policy = createRestartPolicy(options);
    policy.crashed(0);
    policy.crashed(1000);
    expect(policy.crashed(10_500)).toEqual({ restart: true, delayMs: 200, crashes: 2 });
    expect(policy.crashed(30_000)).toEqual({ restart: true, delayMs: 100, crashes: 1 });
  });

  it('starts over after reset', () => {
    const policy = createRestartPolicy(options);
    for (let t = 0; t < 4; t++) policy.crashed(t);
    policy.reset();
    expect(policy.crashed(5)).toEqual({ restart: true, delayMs: 100, crashes: 1 });
  });
});
