import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SearchMatch } from '../../../src/protocol/index.js';
import { type EncodedMatch, encodeMatch } from '../../../src/sources/search/match-json.js';
import { createResultBatcher } from '../../../src/sources/search/result-batcher.js';

const result = (line: number, text = 'x'): EncodedMatch =>
  encodeMatch({ file: 'a.ts', line, column: 0, text, matches: [{ start: 0, end: 1 }] });
const lineOf = (encoded: EncodedMatch) => (JSON.parse(encoded) as SearchMatch).line;

describe('the result batcher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends the first results after a short delay, together', () => {
    const batches: EncodedMatch[][] = [];
    const batcher = createResultBatcher({ emit: (b) => batches.push(b), maxDelayMs: 50 });
    batcher.push([result(1)]);
    batcher.push([result(2), result(3)]);
    vi.advanceTimersByTime(49);
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(batches.map((b) => b.map(lineOf))).toEqual([[1, 2, 3]]);
  });

  it('splits a flood into batches of at most maxResults, in order', () => {
    const batches: EncodedMatch[][] = [];
    const batcher = createResultBatcher({ emit: (b) => batches.push(b), maxResults: 100 });
    batcher.push(Array.from({ length: 250 }, (_, i) => result(i)));
    batcher.flush();
    expect(batches.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(batches.flat().map(lineOf)).toEqual(Array.from({ length: 250 }, (_, i) => i));
  });

  it('keeps a batch near maxBytes', () => {
    const batches: EncodedMatch[][] = [];
    const batcher = createResultBatcher({ emit: (b) => batches.push(b), maxBytes: 10_000 });
    batcher.push(Array.from({ length: 30 }, (_, i) => result(i, 'y'.repeat(900))));
    batcher.flush();
    expect(batches.length).toBeGreaterThan(2);
    for (const batch of batches) {
      expect(`[${batch.join(',')}]`.length).toBeLessThanOrEqual(10_000);
    }
  });

  it('sends nothing after dispose', () => {
    const emit = vi.fn();
    const batcher = createResultBatcher({ emit });
    batcher.push([result(1)]);
    batcher.dispose();
    batcher.push([result(2)]);
    vi.advanceTimersByTime(1000);
    batcher.flush();
    expect(emit).not.toHaveBeenCalled();
  });
});
