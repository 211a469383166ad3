import { describe, expect, it } from 'vitest';
import { createHistory } from '../../src/server/history.js';

const entry = (seq: number) => ({ seq, frame: Buffer.from(String(seq)) });

describe('history ring buffer', () => {
  it('returns the events after a seq, oldest first', () => {
    const history = createHistory(5);
    for (let seq = 1; seq <= 3; seq++) history.push(entry(seq));
    expect(history.after(0)?.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(history.after(2)?.map((e) => e.seq)).toEqual([3]);
    expect(history.after(3)).toEqual([]);
  });

  it('drops the oldest when full and reports a gap for what it no longer holds', () => {
    const history = createHistory(3);
    for (let seq = 1; seq <= 7; seq++) history.push(entry(seq));
    expect(history.size).toBe(3);
    expect(history.after(4)?.map((e) => e.seq)).toEqual([5, 6, 7]);
    expect(history.after(5)?.map((e) => e.seq)).toEqual([6, 7]);
    expect(history.after(3)).toBeUndefined();
  });

  it('drops the oldest events to stay under its byte limit, keeping seqs contiguous', () => {
    const history = createHistory(100, 10);
    for (let seq = 1; seq <= 8; seq++) history.push({ seq, frame: Buffer.alloc(3) });
    expect(history.after(0)).toBeUndefined();
    expect(history.after(5)?.map((e) => e.seq)).toEqual([6, 7, 8]);
    expect(history.size).toBe(3);
  });

  it('holds nothing with a capacity of 0, and reports every event pushed as dropped', () => {
    const history = createHistory(0);
    expect(history.after(0)).toEqual([]);
    history.push(entry(1));
    expect(history.size).toBe(0);
    expect(history.after(0)).toBeUndefined();
    expect(history.after(1)).toEqual([]);
  });

  it('finds events by their seq, not by arithmetic on it', () => {
    const history = createHistory(10);
    for (const seq of [1, 2, 3, 5, 6, 9]) history.push(entry(seq));
    expect(history.after(3)?.map((e) => e.seq)).toEqual([5, 6, 9]);
    expect(history.after(4)?.map((e) => e.seq)).toEqual([5, 6, 9]);
    expect(history.after(6)?.map((e) => e.seq)).toEqual([9]);
    expect(history.after(9)).toEqual([]);
  });

  it('reports a gap only for events it really dropped', () => {
    const history = createHistory(3);
    for (const seq of [1, 2, 4, 5, 7]) history.push(entry(seq));
    expect(history.after(2)?.map((e) => e.seq)).toEqual([4, 5, 7]);
    expect(history.after(1)).toBeUndefined();
    expect(history.held().map((e) => e.seq)).toEqual([4, 5, 7]);
  });

  it('counts the bytes of the frames it holds', () => {
    const history = createHistory(2, 100);
    for (let seq = 1; seq <= 3; seq++) history.push({ seq, frame: Buffer.alloc(seq * 10) });
    expect(history.bytes).toBe(50);
  });
});
