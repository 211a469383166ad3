import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FileEventData, FileEventKind, FilesBatchData } from '../../../src/protocol/index.js';
import {
  type CoalescerOptions,
  createCoalescer,
  netEvent,
} from '../../../src/sources/files/coalesce.js';

type Emitted = [event: FileEventKind | 'batch', data: FileEventData | FilesBatchData];

function setup(options: Partial<CoalescerOptions> = {}) {
  const emitted: Emitted[] = [];
  const coalescer = createCoalescer({
    windowMs: 100,
    ...options,
    emit: (event, data) => emitted.push([event, data]),
  });
  return { coalescer, emitted };
}

describe('netEvent', () => {
  it.each([
    ['add', 'add', 'add'],
    ['add', 'change', 'add'],
    ['add', 'unlink', null],
    ['unlink', 'add', 'change'],
    ['unlink', 'unlink', 'unlink'],
    ['change', 'change', 'change'],
    ['change', 'unlink', 'unlink'],
    ['addDir', 'addDir', 'addDir'],
    ['addDir', 'unlinkDir', null],
    ['unlinkDir', 'addDir', null],
    ['unlinkDir', 'unlinkDir', 'unlinkDir'],
  ] as const)('%s … %s → %s', (first, last, expected) => {
    expect(netEvent(first, last)).toBe(expected);
  });
});

describe('createCoalescer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('holds events until the window ends, then sends them one by one', () => {
    const { coalescer, emitted } = setup();
    coalescer.push('a.ts', 'add');
    coalescer.push('b.ts', 'change');
    vi.advanceTimersByTime(99);
    expect(emitted).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(emitted).toEqual([
      ['add', { file: 'a.ts', event: 'add' }],
      ['change', { file: 'b.ts', event: 'change' }],
    ]);
  });

  it('merges the events of one path within a window', () => {
    const { coalescer, emitted } = setup();
    coalescer.push('new.ts', 'add');
    coalescer.push('new.ts', 'change');
    coalescer.push('gone.ts', 'add');
    coalescer.push('gone.ts', 'unlink');
    coalescer.push('replaced.ts', 'unlink');
    coalescer.push('replaced.ts', 'add');
    coalescer.push('edited.ts', 'change');
    coalescer.push('edited.ts', 'change');
    coalescer.push('tmpdir', 'addDir');
    coalescer.push('tmpdir', 'unlinkDir');
    coalescer.flush();
    expect(emitted).toEqual([
      ['add', { file: 'new.ts', event: 'add' }],
      ['change', { file: 'replaced.ts', event: 'change' }],
      ['change', { file: 'edited.ts', event: 'change' }],
    ]);
  });

  it('reports a file replaced by a folder of the same name as both, in order', () => {
    const { coalescer, emitted } = setup();
    coalescer.push('thing', 'unlink');
    coalescer.push('thing', 'addDir');
    coalescer.flush();
    expect(emitted.map(([event]) => event)).toEqual(['unlink', 'addDir']);
  });

  it('throttles rather than debounces: a continuous stream still flushes every window', () => {
    const { coalescer, emitted } = setup();
    for (let tick = 0; tick < 10; tick++) {
      coalescer.push(`file-${tick}.ts`, 'add');
      vi.advanceTimersByTime(30);
    }
    // 300 ms of events every 30 ms: a debounce would not have sent anything yet.
    expect(emitted.length).toBeGreaterThanOrEqual(6);
    vi.advanceTimersByTime(100);
    expect(emitted.map(([, data]) => (data as FileEventData).file)).toEqual(
      Array.from({ length: 10 }, (_, tick) => `file-${tick}.ts`),
    );
  });

  it('keeps separate windows separate', () => {
    const { coalescer, emitted } = setup();
    coalescer.push('a.ts', 'add');
    vi.advanceTimersByTime(100);
    coalescer.push('a.ts', 'unlink');
    vi.advanceTimersByTime(100);
    expect(emitted.map(([event]) => event)).toEqual(['add', 'unlink']);
  });

  it('sends up to batchThreshold events singly, more as batches of maxBatchSize', () => {
    const small = setup({ batchThreshold: 3 });
    for (const name of ['a', 'b', 'c']) small.coalescer.push(name, 'add');
    small.coalescer.flush();
    expect(small.emitted.map(([event]) => event)).toEqual(['add', 'add', 'add']);

    const big = setup({ batchThreshold: 3, maxBatchSize: 2 });
    for (const name of ['a', 'b', 'c', 'd', 'e']) big.coalescer.push(name, 'add');
    big.coalescer.flush();
    expect(big.emitted).toEqual([
      [
        'batch',
        {
          events: [
            { file: 'a', event: 'add' },
            { file: 'b', event: 'add' },
          ],
          count: 2,
        },
      ],
      [
        'batch',
        {
          events: [
            { file: 'c', event: 'add' },
            { file: 'd', event: 'add' },
          ],
          count: 2,
        },
      ],
      ['batch', { events: [{ file: 'e', event: 'add' }], count: 1 }],
    ]);
  });

  it('uses the defaults: 10 singly, 11 as one batch, 2500 as batches of 1000', () => {
    const ten = setup();
    for (let index = 0; index < 10; index++) ten.coalescer.push(`f${index}`, 'add');
    ten.coalescer.flush();
    expect(ten.emitted).toHaveLength(10);

    const eleven = setup();
    for (let index = 0; index < 11; index++) eleven.coalescer.push(`f${index}`, 'add');
    eleven.coalescer.flush();
    expect(eleven.emitted).toHaveLength(1);
    expect(eleven.emitted[0]?.[0]).toBe('batch');

    const many = setup();
    for (let index = 0; index < 2500; index++) many.coalescer.push(`f${index}`, 'add');
    many.coalescer.flush();
    expect(many.emitted.map(([, data]) => (data as FilesBatchData).count)).toEqual([
      1000, 1000, 500,
    ]);
  });

  it('counts merged events against the threshold, not raw ones', () => {
    const { coalescer, emitted } = setup({ batchThreshold: 2 });
    for (let round = 0; round < 20; round++) coalescer.push('busy.ts', 'change');
    coalescer.flush();
    expect(emitted).toEqual([['change', { file: 'busy.ts', event: 'change' }]]);
  });

  it('sends nothing after dispose', () => {
    const { coalescer, emitted } = setup();
    coalescer.push('a.ts', 'add');
    coalescer.dispose();
    vi.advanceTimersByTime(1000);
    coalescer.push('b.ts', 'add');
    coalescer.flush();
    vi.advanceTimersByTime(1000);
    expect(emitted).toEqual([]);
    expect(coalescer.pendingCount).toBe(0);
  });

  it('accepts an injected timer', () => {
    const scheduled: { callback: () => void; ms: number }[] = [];
    const cleared: unknown[] = [];
    const { coalescer, emitted } = setup({
      windowMs: 250,
      timer: {
        set: (callback, ms) => scheduled.push({ callback, ms }),
        clear: (handle) => cleared.push(handle),
      },
    });
    coalescer.push('a.ts', 'add');
    coalescer.push('b.ts', 'add');
    expect(scheduled).toHaveLength(1); // one timer per window
    expect(scheduled[0]?.ms).toBe(250);
    scheduled[0]?.callback();
    expect(emitted).toHaveLength(2);
    coalescer.push('c.ts', 'add');
    expect(scheduled).toHaveLength(2);
    coalescer.flush(); // an early flush cancels the window's timer
    expect(cleared).toHaveLength(2);
  });
});
