/**
 * Reconnect delays: exponential growth, capped, with random jitter so that many clients that
 * lost the same server do not all come back in the same millisecond. Pure: no timers, no I/O.
 */

/** How the delay between reconnect attempts grows. */
export interface BackoffOptions {
  /** Delay before the first attempt, in milliseconds. Default 250. */
  initialDelayMs: number;
  /** No delay is ever longer than this, in milliseconds. Default 10 000. */
  maxDelayMs: number;
  /** Each attempt waits `factor` times longer than the previous one. Default 2. */
  factor: number;
  /**
   * Fraction of the delay that is random, from 0 (none) to 1. With 0.5 (the default) a delay
   * of 1000 ms becomes a value between 500 and 1000 ms. Jitter only shortens a delay, so
   * `maxDelayMs` stays an upper bound.
   */
  jitter: number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = Object.freeze({
  initialDelayMs: 250,
  maxDelayMs: 10_000,
  factor: 2,
  jitter: 0.5,
});

function finiteAtLeast(value: number | undefined, min: number, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= min ? value : fallback;
}

/**
 * Fills in defaults and rejects nonsense once, so the hot path can trust the values:
 * negative or non-finite numbers fall back to the default, `jitter` is clamped to [0, 1],
 * `factor` is at least 1 and `maxDelayMs` at least `initialDelayMs`.
 */
export function normalizeBackoff(options: Partial<BackoffOptions> = {}): Readonly<BackoffOptions> {
  const initialDelayMs = finiteAtLeast(options.initialDelayMs, 0, DEFAULT_BACKOFF.initialDelayMs);
  const maxDelayMs = Math.max(
    initialDelayMs,
    finiteAtLeast(options.maxDelayMs, 0, DEFAULT_BACKOFF.maxDelayMs),
  );
  const factor = finiteAtLeast(options.factor, 1, DEFAULT_BACKOFF.factor);
  const jitter = Math.min(1, finiteAtLeast(options.jitter, 0, DEFAULT_BACKOFF.jitter));
  return Object.freeze({ initialDelayMs, maxDelayMs, factor, jitter });
}

/**
 * The delay before reconnect attempt `attempt` (1 for the first), in whole milliseconds:
 * `min(maxDelayMs, initialDelayMs * factor^(attempt-1))`, minus up to `jitter` of itself.
 *
 * @param random - a source of numbers in [0, 1); injectable so tests are deterministic.
 */
export function backoffDelay(
  attempt: number,
  options: Readonly<BackoffOptions> = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  // Math.min before multiplying by the jitter keeps huge exponents (Infinity) harmless.
  const base = Math.min(options.maxDelayMs, options.initialDelayMs * options.factor ** exponent);
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(base * (1 - options.jitter * r));
}
