/** One broadcast event as it is kept for replay: its seq and its already-serialized frame. */
export interface HistoryEntry {
  seq: number;
  frame: Buffer;
}

/** A fixed-size ring buffer of a channel's most recent events, oldest first. */
export interface History {
  push(entry: HistoryEntry): void;
  /**
   * Every held event after `seq`, oldest first, or `undefined` when some of them were already
   * dropped (a gap the caller must report).
   */
  after(seq: number): HistoryEntry[] | undefined;
  readonly size: number;
}

export function createHistory(capacity: number): History {
  const entries: (HistoryEntry | undefined)[] = new Array(capacity);
  let start = 0;
  let size = 0;

  const at = (i: number) => entries[(start + i) % capacity]!;

  return {
    push(entry) {
      if (capacity === 0) return;
      if (size < capacity) {
        entries[(start + size) % capacity] = entry;
        size++;
      } else {
        entries[start] = entry;
        start = (start + 1) % capacity;
      }
    },
    after(seq) {
      if (size === 0) return [];
      const oldest = at(0).seq;
      const newest = at(size - 1).seq;
      if (seq >= newest) return [];
      if (seq < oldest - 1) return undefined;
      // seqs are contiguous, so the first wanted entry sits at a known offset.
      const out: HistoryEntry[] = [];
      for (let i = seq - oldest + 1; i < size; i++) out.push(at(i));
      return out;
    },
    get size() {
      return size;
    },
  };
}
