/**
 * The burst coalescer of the `files` channel. A `git checkout` or `npm install` touches thousands
 * of paths in a moment; clients want the net effect, in a few messages, not every step.
 *
 * The first event of a quiet period goes out at once (a lone save must not wait for a window
 * that nothing else will join) and opens a window of `windowMs`. What follows within the window
 * is collected and sent when it ends (a throttle, not a debounce, so a continuous stream still
 * flushes), reduced to each path's net effect; a window that sent a `batch` is followed by one
 * twice as long (up to `maxWindowMs`), so a burst that lasts seconds still arrives in a few
 * messages. A window that ends with nothing to send ends the busy period (after a batch, a
 * second empty one does: a burst may pause for a moment). A small flush goes out
 * event by event; a big one as `batch` events of at most `maxBatchSize` entries each, in order.
 */

import type { FileEventData, FileEventKind, FilesBatchData } from '../../protocol/index.js';

export interface CoalescerTimer {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface CoalescerOptions {
  /** Called for each event (or batch) at flush. */
  emit: (event: FileEventKind | 'batch', data: FileEventData | FilesBatchData) => void;
  windowMs?: number;
  /** The longest a window grows to while a burst goes on. */
  maxWindowMs?: number;
  /** A flush of at most this many events sends them one by one; above it, in batches. */
  batchThreshold?: number;
  maxBatchSize?: number;
  /** Injectable for tests; defaults to setTimeout / clearTimeout. */
  timer?: CoalescerTimer;
}

export interface Coalescer {
  push(file: string, event: FileEventKind): void;
  /** Sends what is pending now and ends the busy period: the next event goes out at once. */
  flush(): void;
  /** Drops what is pending and ignores later pushes. */
  dispose(): void;
  /** Paths with pending events (before merging to their net effect). */
  readonly pendingCount: number;
}

export const COALESCER_DEFAULTS = Object.freeze({
  windowMs: 100,
  maxWindowMs: 800,
  batchThreshold: 10,
  maxBatchSize: 1000,
});

const realTimer: CoalescerTimer = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The first and last event a path saw within a window: enough to know its net effect. */
interface PendingPath {
  file: string;
  first: FileEventKind;
  last: FileEventKind;
}

const isDirEvent = (event: FileEventKind) => event === 'addDir' || event === 'unlinkDir';

/**
 * The net effect of a window's events on one path of one kind (file or folder), or `null` when
 * the path ended as it began. Whether it existed before follows from the first event (only an
 * `add` means it did not), whether it exists after from the last.
 */
export function netEvent(first: FileEventKind, last: FileEventKind): FileEventKind | null {
  const existedBefore = first !== 'add' && first !== 'addDir';
  const existsAfter = last !== 'unlink' && last !== 'unlinkDir';
  const dir = isDirEvent(last);
  if (!existedBefore && existsAfter) return dir ? 'addDir' : 'add';
  if (existedBefore && !existsAfter) return dir ? 'unlinkDir' : 'unlink';
  // A folder that is still there has nothing to report: its contents have their own events.
  if (existedBefore && existsAfter && !dir) return 'change';
  return null;
}

export function createCoalescer(options: CoalescerOptions): Coalescer {
  const windowMs = options.windowMs ?? COALESCER_DEFAULTS.windowMs;
  const maxWindowMs = Math.max(windowMs, options.maxWindowMs ?? COALESCER_DEFAULTS.maxWindowMs);
  const batchThreshold = options.batchThreshold ?? COALESCER_DEFAULTS.batchThreshold;
  const maxBatchSize = Math.max(1, options.maxBatchSize ?? COALESCER_DEFAULTS.maxBatchSize);
  const timer = options.timer ?? realTimer;
  const { emit } = options;

  // Keyed by kind too, so a file replaced by a folder of the same name reports both, in order.
  // A Map keeps insertion order: each path keeps the place of its first event.
  let pending = new Map<string, PendingPath>();
  /** The open window's timer; `null` in a quiet period. */
  let windowTimer: unknown = null;
  let currentWindowMs = windowMs;
  /** The last window sent a batch. */
  let inBurst = false;
  let disposed = false;

  function cancelTimer(): void {
    if (windowTimer === null) return;
    timer.clear(windowTimer);
    windowTimer = null;
  }

  function openWindow(ms: number): void {
    currentWindowMs = ms;
    windowTimer = timer.set(endWindow, ms);
  }

  /** Sends the window's net events; returns how many went out. */
  function sendPending(): number {
    if (pending.size === 0) return 0;
    const window = pending;
    pending = new Map();
    const events: FileEventData[] = [];
    for (const { file, first, last } of window.values()) {
      const event = netEvent(first, last);
      if (event) events.push({ file, event });
    }
    if (events.length <= batchThreshold) {
      for (const data of events) emit(data.event, data);
      return events.length;
    }
    for (let start = 0; start < events.length; start += maxBatchSize) {
      const chunk = events.slice(start, start + maxBatchSize);
      emit('batch', { events: chunk, count: chunk.length });
    }
    return events.length;
  }

  function endWindow(): void {
    windowTimer = null;
    if (pending.size === 0) {
      // A burst may pause for longer than a window (a watcher delivering in chunks): one more
      // window of the same length before the next event counts as the start of a quiet period.
      if (inBurst) {
        inBurst = false;
        openWindow(currentWindowMs);
      }
      return;
    }
    inBurst = sendPending() > batchThreshold;
    // Still busy: the next window collects what follows, longer while a burst goes on.
    openWindow(inBurst ? Math.min(currentWindowMs * 2, maxWindowMs) : windowMs);
  }

  return {
    push(file, event) {
      if (disposed) return;
      if (windowTimer === null) {
        // First event of a quiet period: nothing to merge it with, so it goes out now.
        emit(event, { file, event });
        openWindow(windowMs);
        return;
      }
      const key = `${isDirEvent(event) ? 'd' : 'f'}:${file}`;
      const seen = pending.get(key);
      if (seen) seen.last = event;
      else pending.set(key, { file, first: event, last: event });
    },
    flush() {
      cancelTimer();
      inBurst = false;
      sendPending();
    },
    dispose() {
      disposed = true;
      cancelTimer();
      pending = new Map();
    },
    get pendingCount() {
      return pending.size;
    },
  };
}
