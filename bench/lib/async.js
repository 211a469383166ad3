// @ts-check
/** Guards for the benchmarks: every wait is bounded, so a benchmark always ends by itself. */

/**
 * Settles like `promise`, or rejects once `ms` have passed, naming what it was waiting for.
 *
 * @template T
 * @param {Promise<T>} promise
 * @param {number} ms
 * @param {string} what E.g. `"for 100 subscribers to connect"`.
 * @returns {Promise<T>}
 */
export function withTimeout(promise, ms, what) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const expired = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting ${what}`)), ms);
  });
  return /** @type {Promise<T>} */ (Promise.race([promise, expired])).finally(() =>
    clearTimeout(timer),
  );
}
