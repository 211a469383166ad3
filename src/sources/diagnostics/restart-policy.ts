/**
 * When to restart a language server that crashed: after a delay that doubles with each crash
 * in the recent window, and not at all once it has crashed too often in that window.
 */

export interface RestartPolicyOptions {
  /** Delay before the first restart. */
  initialDelayMs: number;
  /** The delay never grows past this. */
  maxDelayMs: number;
  /** This many crashes within `windowMs` and the server is given up on. */
  maxCrashes: number;
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicyOptions = Object.freeze({
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  maxCrashes: 5,
  windowMs: 3 * 60_000,
});

export type RestartDecision =
  | { restart: true; delayMs: number; crashes: number }
  | { restart: false; crashes: number };

export interface RestartPolicy {
  /** Records a crash at `now` and says what to do about it. */
  crashed(now?: number): RestartDecision;
  /** Forgets past crashes, e.g. when the server is started again by hand. */
  reset(): void;
}

export function createRestartPolicy(options: RestartPolicyOptions): RestartPolicy {
  let crashTimes: number[] = [];
  return {
    crashed(now = Date.now()) {
      crashTimes = crashTimes.filter((time) => now - time < options.windowMs);
      crashTimes.push(now);
      const crashes = crashTimes.length;
      if (crashes >= options.maxCrashes) return { restart: false, crashes };
      const delayMs = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** (crashes - 1));
      return { restart: true, delayMs, crashes };
    },
    reset() {
      crashTimes = [];
    },
  };
}
