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
 * Counts rejected messages over the last `windowMs`, to tell a client that briefly overshoots
 * the limit (answered with RATE_LIMITED) from one that keeps flooding (disconnected).
 */
export interface FloodDetector {
  /** Records one rejection; true once the rejections within the last window pass the limit. */
  recordRejection(): boolean;
}

/** The window slides in this many steps: memory stays fixed however many messages are dropped. */
const WINDOW_SLOTS = 20;

export function createFloodDetector(
  maxRejections: number,
  windowMs: number,
  now: () => number = performance.now.bind(performance),
): FloodDetector {
  const slotMs = windowMs / WINDOW_SLOTS;
  // counts[i] holds the rejections of time slot slots[i], a ring indexed by slot number.
  const counts = new Array<number>(WINDOW_SLOTS).fill(0);
  const slots = new Array<number>(WINDOW_SLOTS).fill(-1);
  const origin = now();
  return {
    recordRejection() {
      const current = Math.floor((now() - origin) / slotMs);
      const index = current % WINDOW_SLOTS;
      if (slots[index] !== current) {
        slots[index] = current;
        counts[index] = 0;
      }
      counts[index]!++;
      // Only the slots of the last window count; a slot left over from an older lap does not.
      let total = 0;
      for (let i = 0; i < WINDOW_SLOTS; i++) {
        if (current - slots[i]! < WINDOW_SLOTS) total += counts[i]!;
      }
      return total > maxRejections;
    },
  };
}
