/** One broadcast event as it is kept for replay: its seq and its already-serialized frame. */
export interface HistoryEntry {
  seq: number;
  frame: Buffer;
}

/**
 * A ring buffer of a channel's most recent events, oldest first, bounded by a count and by the
 * bytes of the frames it holds (a few huge events must not pin memory).
 */
export interface History {
  push(entry: HistoryEntry): void;
  /**
   * Every held event after `seq` (the first `limit` of them), oldest first, or `undefined` when
   * some of them were already dropped (a gap the caller must report).
   */
  after(seq: number, limit?: number): HistoryEntry[] | undefined;
  readonly size: number;
}

export function createHistory(capacity: number, maxBytes = Number.POSITIVE_INFINITY): History {
  const entries: (HistoryEntry | undefined)[] = new Array(capacity);
  let start = 0;
  let size = 0;
  let bytes = 0;

  const at = (i: number) => entries[(start + i) % capacity]!;
  const dropOldest = () => {
    bytes -= at(0).frame.length;
    entries[start] = undefined;
    start = (start + 1) % capacity;
    size--;
  };

  return {
    push(entry) {
      if (capacity === 0) return;
      if (size === capacity) dropOldest();
      while (size > 0 && bytes + entry.frame.length > maxBytes) dropOldest();
      entries[(start + size) % capacity] = entry;
      size++;
      bytes += entry.frame.length;
    },
    after(seq, limit = Number.POSITIVE_INFINITY) {
      if (size === 0) return [];
      const oldest = at(0).seq;
      const newest = at(size - 1).seq;
      if (seq >= newest) return [];
      if (seq < oldest - 1) return undefined;
      // seqs are contiguous, so the first wanted entry sits at a known offset.
      const out: HistoryEntry[] = [];
      const end = Math.min(size, seq - oldest + 1 + limit);
      for (let i = seq - oldest + 1; i < end; i++) out.push(at(i));
      return out;
    },
    get size() {
      return size;
    },
  };
}
