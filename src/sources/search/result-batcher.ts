/**
 * Groups a search's results into `results` events: the first ones go out within `maxDelayMs`,
 * a steady stream in events of at most `maxResults` results and about `maxBytes` of text, so a
 * client neither gets one message per match nor one giant message at the end.
 */

import type { EncodedMatch } from './match-json.js';

export interface ResultBatcherOptions {
  emit(results: EncodedMatch[]): void;
  maxResults?: number;
  maxBytes?: number;
  maxDelayMs?: number;
}

export interface ResultBatcher {
  push(results: readonly EncodedMatch[]): void;
  /** Sends what is waiting now. */
  flush(): void;
  /** Drops what is waiting and ignores later pushes. */
  dispose(): void;
}

export const BATCHER_DEFAULTS = Object.freeze({
  maxResults: 200,
  maxBytes: 64 * 1024,
  maxDelayMs: 50,
});

export function createResultBatcher(options: ResultBatcherOptions): ResultBatcher {
  const maxResults = options.maxResults ?? BATCHER_DEFAULTS.maxResults;
  const maxBytes = options.maxBytes ?? BATCHER_DEFAULTS.maxBytes;
  const maxDelayMs = options.maxDelayMs ?? BATCHER_DEFAULTS.maxDelayMs;
  let pending: EncodedMatch[] = [];
  let pendingBytes = 0;
  let timer: NodeJS.Timeout | null = null;
  let disposed = false;

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    pendingBytes = 0;
    options.emit(batch);
  }

  return {
    push(results) {
      if (disposed) return;
      for (const result of results) {
        const size = result.length + 1; // characters: bytes, for ASCII
        if (
          pending.length > 0 &&
          (pending.length >= maxResults || pendingBytes + size > maxBytes)
        ) {
          flush();
        }
        pending.push(result);
        pendingBytes += size;
      }
      if (pending.length > 0 && timer === null) timer = setTimeout(flush, maxDelayMs);
    },
    flush,
    dispose() {
      disposed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      pending = [];
    },
  };
}
