/** One broadcast event as it is kept for replay: its seq and its already-serialized frame. */
export interface HistoryEntry {
  seq: number;
  frame: Buffer;
}

/**
 * A ring buffer of a channel's most recent events, oldest first, bounded by a count and by the
 * bytes of the frames it holds (a few huge events must not pin memory). Entries are found by
 * their seq, never by arithmetic on it: a lookup stays right whatever numbers were pushed.
 */
export interface History {
  push(entry: HistoryEntry): void;
  /**
   * Every held event after `seq`, oldest first, or `undefined` when some of them were already
   * dropped (a gap the caller must report).
   */
  after(seq: number): HistoryEntry[] | undefined;
  /** Every held event, oldest first. */
  held(): HistoryEntry[];
  readonly size: number;
  /** Bytes of the frames held. */
  readonly bytes: number;
}

export function createHistory(capacity: number, maxBytes = Number.POSITIVE_INFINITY): History {
  const entries: (HistoryEntry | undefined)[] = new Array(capacity);
  let start = 0;
  let size = 0;
  let bytes = 0;
  /** The seq of the newest event no longer held; a replay from below it has a gap. */
  let droppedThrough = Number.NEGATIVE_INFINITY;

  const at = (i: number) => entries[(start + i) % capacity]!;
  const dropOldest = () => {
    const oldest = at(0);
    droppedThrough = Math.max(droppedThrough, oldest.seq);
    bytes -= oldest.frame.length;
    entries[start] = undefined;
    start = (start + 1) % capacity;
    size--;
  };
  /** Index of the first held entry with a seq above `seq` (size when there is none). */
  const firstAfter = (seq: number) => {
    let low = 0;
    let high = size;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (at(middle).seq > seq) high = middle;
      else low = middle + 1;
    }
    return low;
  };
  const slice = (from: number) => {
    const out: HistoryEntry[] = [];
    for (let i = from; i < size; i++) out.push(at(i));
    return out;
  };

  return {
    push(entry) {
      if (capacity === 0) {
        droppedThrough = Math.max(droppedThrough, entry.seq);
        return;
      }
      if (size === capacity) dropOldest();
      while (size > 0 && bytes + entry.frame.length > maxBytes) dropOldest();
      entries[(start + size) % capacity] = entry;
      size++;
      bytes += entry.frame.length;
    },
    after(seq) {
      if (seq < droppedThrough) return undefined;
      return slice(firstAfter(seq));
    },
    held: () => slice(0),
    get size() {
      return size;
    },
    get bytes() {
      return bytes;
    },
  };
}
