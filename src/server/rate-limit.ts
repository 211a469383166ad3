/** A token bucket: `ratePerSecond` tokens refill continuously up to `burst`. */
export interface TokenBucket {
  /** Takes one token; false when the bucket is empty. */
  take(): boolean;
}

export function createTokenBucket(
  ratePerSecond: number,
  burst: number,
  now: () => number = performance.now.bind(performance),
): TokenBucket {
  if (ratePerSecond <= 0) return { take: () => true };
  let tokens = burst;
  let last = now();
  return {
    take() {
      const t = now();
      tokens = Math.min(burst, tokens + ((t - last) / 1000) * ratePerSecond);
      last = t;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}

/**
 * Counts rejected messages in a sliding window, to tell a client that briefly overshoots the
 * limit (answered with RATE_LIMITED) from one that keeps flooding (disconnected).
 */
export interface FloodDetector {
  /** Records one rejected message; true once the rejections in the window pass the limit. */
  recordRejection(): boolean;
}

export function createFloodDetector(
  maxRejections: number,
  windowMs: number,
  now: () => number = performance.now.bind(performance),
): FloodDetector {
  let windowStart = now();
  let rejections = 0;
  return {
    recordRejection() {
      const t = now();
      if (t - windowStart > windowMs) {
        windowStart = t;
        rejections = 0;
      }
      rejections++;
      return rejections > maxRejections;
    },
  };
}
