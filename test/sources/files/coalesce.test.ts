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

  /** A coalescer in the middle of a busy period: a first event went out and opened a window. */
  function setupBusy(options: Partial<CoalescerOptions> = {}) {
    const busy = setup(options);
    busy.coalescer.push('lead.ts', 'change');
    busy.emitted.length = 0;
    return busy;
  }

  it('sends the first event of a quiet period at once', () => {
    const { coalescer, emitted } = setup();
    coalescer.push('saved.ts', 'change');
    expect(emitted).toEqual([['change', { file: 'saved.ts', event: 'change' }]]);
  });

  it('holds what follows the first event until the window ends, then sends it one by one', () => {
    const { coalescer, emitted } = setup();
    coalescer.push('first.ts', 'change');
    coalescer.push('a.ts', 'add');
    coalescer.push('b.ts', 'change');
    vi.advanceTimersByTime(99);
    expect(emitted.map(([, data]) => (data as FileEventData).file)).toEqual(['first.ts']);
    vi.advanceTimersByTime(1);
    expect(emitted).toEqual([
      ['change', { file: 'first.ts', event: 'change' }],
      ['add', { file: 'a.ts', event: 'add' }],
      ['change', { file: 'b.ts', event: 'change' }],
    ]);
  });

  it('sends at once again after a window that ended with nothing to send', () => {
    const { coalescer, emitted } = setup();
    coalescer.push('a.ts', 'change');
    vi.advanceTimersByTime(100); // the window ends empty: the busy period is over
    coalescer.push('b.ts', 'change');
    expect(emitted.map(([, data]) => (data as FileEventData).file)).toEqual(['a.ts', 'b.ts']);
  });

  it('reports a path again when it changes after its first event went out', () => {
    const { coalescer, emitted } = setup();
    coalescer.push('new.ts', 'add');
    coalescer.push('new.ts', 'change');
    coalescer.push('new.ts', 'unlink');
    vi.advanceTimersByTime(100);
    // The add was sent; what followed nets to the file being gone again.
    expect(emitted.map(([event]) => event)).toEqual(['add', 'unlink']);
  });

  it('merges the events of one path within a window', () => {
    const { coalescer, emitted } = setupBusy();
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
    const { coalescer, emitted } = setupBusy();
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
    const { coalescer, emitted } = setupBusy();
    coalescer.push('a.ts', 'add');
    vi.advanceTimersByTime(100);
    coalescer.push('a.ts', 'unlink');
    vi.advanceTimersByTime(100);
    expect(emitted.map(([event]) => event)).toEqual(['add', 'unlink']);
  });

  it('doubles the window after a batch, up to maxWindowMs, and goes back after a small one', () => {
    const { coalescer, emitted } = setupBusy({ batchThreshold: 2, maxWindowMs: 300 });
    const pushMany = (prefix: string) => {
      for (let index = 0; index < 3; index++) coalescer.push(`${prefix}${index}`, 'add');
    };
    const batchesSent = () => emitted.filter(([event]) => event === 'batch').length;
    pushMany('a'); // window 1: 0–100 ms
    vi.advanceTimersByTime(100);
    expect(batchesSent()).toBe(1);
    pushMany('b'); // window 2 is twice as long: 100–300 ms
    vi.advanceTimersByTime(199);
    expect(batchesSent()).toBe(1);
    vi.advanceTimersByTime(1);
    expect(batchesSent()).toBe(2);
    pushMany('c'); // window 3 would be 400 ms; capped at 300: 300–600 ms
    vi.advanceTimersByTime(299);
    expect(batchesSent()).toBe(2);
    vi.advanceTimersByTime(1);
    expect(batchesSent()).toBe(3);
    coalescer.push('single', 'add'); // window 4 (300 ms) sends one event singly…
    vi.advanceTimersByTime(300);
    expect(emitted.at(-1)?.[0]).toBe('add');
    coalescer.push('next', 'add'); // …so window 5 is back to 100 ms
    vi.advanceTimersByTime(100);
    expect(emitted.at(-1)).toEqual(['add', { file: 'next', event: 'add' }]);
  });

  it('after a batch, waits one more empty window before a lone event goes out at once', () => {
    const { coalescer, emitted } = setupBusy({ batchThreshold: 2 });
    for (const name of ['a', 'b', 'c']) coalescer.push(name, 'add');
    vi.advanceTimersByTime(100); // a batch went out; the next window is 200 ms
    vi.advanceTimersByTime(200); // it ends empty: the burst may only be pausing
    coalescer.push('late', 'add');
    expect(emitted).toHaveLength(1);
    vi.advanceTimersByTime(200);
    expect(emitted.at(-1)).toEqual(['add', { file: 'late', event: 'add' }]);
    vi.advanceTimersByTime(100); // an empty window after a small flush: quiet again
    coalescer.push('lone', 'add');
    expect(emitted.at(-1)).toEqual(['add', { file: 'lone', event: 'add' }]);
  });

  it('delivers a burst of 5,000 paths spread over 2 s in at most 10 messages, each path once', () => {
    const { coalescer, emitted } = setup();
    const total = 5000;
    for (let index = 0; index < total; index++) {
      coalescer.push(`bulk/file-${index}.txt`, 'add');
      if (index % 5 === 4) vi.advanceTimersByTime(2); // 5 events every 2 ms
    }
    vi.advanceTimersByTime(2000);
    expect(emitted.length).toBeLessThanOrEqual(10);
    const paths = emitted.flatMap(([event, data]) =>
      event === 'batch'
        ? (data as FilesBatchData).events.map((entry) => entry.file)
        : [(data as FileEventData).file],
    );
    expect(paths).toHaveLength(total);
    expect(new Set(paths).size).toBe(total);
  });

  it('sends up to batchThreshold events singly, more as batches of maxBatchSize', () => {
    const small = setupBusy({ batchThreshold: 3 });
    for (const name of ['a', 'b', 'c']) small.coalescer.push(name, 'add');
    small.coalescer.flush();
    expect(small.emitted.map(([event]) => event)).toEqual(['add', 'add', 'add']);

    const big = setupBusy({ batchThreshold: 3, maxBatchSize: 2 });
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
    const ten = setupBusy();
    for (let index = 0; index < 10; index++) ten.coalescer.push(`f${index}`, 'add');
    ten.coalescer.flush();
    expect(ten.emitted).toHaveLength(10);

    const eleven = setupBusy();
    for (let index = 0; index < 11; index++) eleven.coalescer.push(`f${index}`, 'add');
    eleven.coalescer.flush();
    expect(eleven.emitted).toHaveLength(1);
    expect(eleven.emitted[0]?.[0]).toBe('batch');

    const many = setupBusy();
    for (let index = 0; index < 2500; index++) many.coalescer.push(`f${index}`, 'add');
    many.coalescer.flush();
    expect(many.emitted.map(([, data]) => (data as FilesBatchData).count)).toEqual([
      1000, 1000, 500,
    ]);
  });

  it('counts merged events against the threshold, not raw ones', () => {
    const { coalescer, emitted } = setupBusy({ batchThreshold: 2 });
    for (let round = 0; round < 20; round++) coalescer.push('busy.ts', 'change');
    coalescer.flush();
    expect(emitted).toEqual([['change', { file: 'busy.ts', event: 'change' }]]);
  });

  it('sends nothing after dispose', () => {
    const { coalescer, emitted } = setupBusy();
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
    coalescer.push('a.ts', 'add'); // sent at once, opens a window
    coalescer.push('b.ts', 'add');
    expect(scheduled).toHaveLength(1); // one timer per window
    expect(scheduled[0]?.ms).toBe(250);
    expect(emitted).toHaveLength(1);
    scheduled[0]?.callback();
    expect(emitted).toHaveLength(2);
    expect(scheduled).toHaveLength(2); // something was sent: the next window is open
    coalescer.push('c.ts', 'add');
    coalescer.flush(); // an early flush cancels the window's timer
    expect(cleared).toHaveLength(1);
    expect(emitted).toHaveLength(3);
  });
});
