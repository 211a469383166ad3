/**
 * Tells when a burst of watcher events has ended: after at least `minEvents` events, `quietMs`
 * with none. One timer per burst, not one per event.
 */

export interface BurstEndOptions {
  minEvents: number;
  quietMs: number;
  onBurstEnd(): void;
}

export interface BurstEnd {
  /** One more event. */
  event(): void;
  close(): void;
}

export function watchForBurstEnd(options: BurstEndOptions): BurstEnd {
  let events = 0;
  let lastEventAt = 0;
  let timer: NodeJS.Timeout | null = null;

  const check = () => {
    const quietFor = Date.now() - lastEventAt;
    if (quietFor < options.quietMs) {
      timer = setTimeout(check, options.quietMs - quietFor);
      return;
    }
    timer = null;
    const burst = events >= options.minEvents;
    events = 0;
    if (burst) options.onBurstEnd();
  };

  return {
    event() {
      events++;
      lastEventAt = Date.now();
      timer ??= setTimeout(check, options.quietMs);
    },
    close() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
