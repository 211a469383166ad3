/**
 * The burst coalescer of the `files` channel. A `git checkout` or `npm install` touches thousands
 * of paths in a moment; clients want the net effect, in a few messages, not every step.
 *
 * Raw watcher events are collected for at most `windowMs` from the first event of a window (a
 * throttle, not a debounce, so a continuous stream still flushes). Events for the same path
 * within a window are reduced to their net effect. A small flush goes out event by event; a big
 * one as `batch` events of at most `maxBatchSize` entries each, in order.
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
  /** A flush of at most this many events sends them one by one; above it, in batches. */
  batchThreshold?: number;
  maxBatchSize?: number;
  /** Injectable for tests; defaults to setTimeout / clearTimeout. */
  timer?: CoalescerTimer;
}

export interface Coalescer {
  push(file: string, event: FileEventKind): void;
  /** Sends what is pending now. */
  flush(): void;
  /** Drops what is pending and ignores later pushes. */
  dispose(): void;
  /** Paths with pending events (before merging to their net effect). */
  readonly pendingCount: number;
}

export const COALESCER_DEFAULTS = Object.freeze({
  windowMs: 100,
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
  const batchThreshold = options.batchThreshold ?? COALESCER_DEFAULTS.batchThreshold;
  const maxBatchSize = Math.max(1, options.maxBatchSize ?? COALESCER_DEFAULTS.maxBatchSize);
  const timer = options.timer ?? realTimer;
  const { emit } = options;

  // Keyed by kind too, so a file replaced by a folder of the same name reports both, in order.
  // A Map keeps insertion order: each path keeps the place of its first event.
  let pending = new Map<string, PendingPath>();
  let flushTimer: unknown = null;
  let disposed = false;

  function cancelTimer(): void {
    if (flushTimer === null) return;
    timer.clear(flushTimer);
    flushTimer = null;
  }

  function flush(): void {
    cancelTimer();
    if (pending.size === 0) return;
    const window = pending;
    pending = new Map();
    const events: FileEventData[] = [];
    for (const { file, first, last } of window.values()) {
      const event = netEvent(first, last);
      if (event) events.push({ file, event });
    }
    if (events.length <= batchThreshold) {
      for (const data of events) emit(data.event, data);
      return;
    }
    for (let start = 0; start < events.length; start += maxBatchSize) {
      const chunk = events.slice(start, start + maxBatchSize);
      emit('batch', { events: chunk, count: chunk.length });
    }
  }

  return {
    push(file, event) {
      if (disposed) return;
      const key = `${isDirEvent(event) ? 'd' : 'f'}:${file}`;
      const seen = pending.get(key);
      if (seen) seen.last = event;
      else pending.set(key, { file, first: event, last: event });
      if (flushTimer === null) flushTimer = timer.set(flush, windowMs);
    },
    flush,
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
