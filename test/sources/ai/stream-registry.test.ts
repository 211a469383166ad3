import { describe, expect, it } from 'vitest';
import { createStreamRegistry } from '../../../src/sources/ai/stream-registry.js';

function registry(overrides: Partial<Parameters<typeof createStreamRegistry>[0]> = {}) {
  let time = 1000;
  const streams = createStreamRegistry({
    maxStreams: 3,
    keepFinishedMs: 500,
    maxTextChars: 10,
    now: () => time,
    ...overrides,
  });
  return { streams, advance: (ms: number) => (time += ms) };
}

const chunk = (id: string, text: string, index: number, finished = false) => ({
  id,
  chunk: text,
  index,
  finished,
});

describe('the stream registry', () => {
  it('builds each stream from its events: text, last index, seq, end', () => {
    const { streams } = registry();
    expect(streams.state('a')).toBeUndefined();
    streams.record('chunk', chunk('a', 'Hel', 0), 4);
    streams.record('chunk', chunk('a', 'lo', 1), 7);
    expect(streams.state('a')).toEqual({
      id: 'a',
      text: 'Hello',
      lastIndex: 1,
      finished: false,
      seq: 7,
      truncated: false,
    });
    const done = { ...chunk('a', '!', 2, true), stopReason: 'stop' };
    streams.record('done', done, 9);
    expect(streams.state('a')).toMatchObject({
      text: 'Hello!',
      lastIndex: 2,
      finished: true,
      seq: 9,
      end: { event: 'done', data: done },
    });
  });

  it('keeps at most maxTextChars of text and says so', () => {
    const { streams } = registry();
    streams.record('chunk', chunk('a', '123456', 0), 1);
    streams.record('chunk', chunk('a', '789abc', 1), 2);
    expect(streams.state('a')).toMatchObject({ text: '123456789a', truncated: true, lastIndex: 1 });
  });

  it('makes room by dropping the oldest finished stream, and refuses when all are open', () => {
    const { streams } = registry();
    streams.record('chunk', chunk('a', 'x', 0), 1);
    streams.record('done', chunk('b', 'y', 0, true), 2);
    streams.claim('c');
    expect(() => streams.ensureRoom()).not.toThrow();
    expect(streams.lookup('b')).toBeUndefined();
    streams.record('chunk', chunk('d', 'z', 0), 3);
    expect(() => streams.ensureRoom()).toThrow(
      expect.objectContaining({ code: 'RATE_LIMITED', details: { maxStreams: 3 } }),
    );
    expect(() => streams.claim('e')).toThrow(/too many open ai-response streams/);
    expect(streams.size).toBe(3);
  });

  it('forgets finished streams after keepFinishedMs and finds open ones gone silent', () => {
    const { streams, advance } = registry();
    streams.record('done', chunk('old', '', 0, true), 1);
    streams.record('chunk', chunk('quiet', 'x', 0), 2);
    advance(200);
    streams.claim('busy');
    streams.touch('busy');
    expect(streams.silentSince(1100).map((s) => s.id)).toEqual(['quiet']);
    advance(400);
    streams.prune();
    expect(streams.lookup('old')).toBeUndefined();
    expect(streams.lookup('quiet')).toBeDefined();
  });

  it('records an event of an unknown stream even when full (in-process emits bypass the guard)', () => {
    const { streams } = registry({ maxStreams: 1 });
    streams.record('chunk', chunk('a', 'x', 0), 1);
    streams.record('chunk', chunk('b', 'y', 0), 2);
    expect(streams.lookup('a')).toBeUndefined();
    expect(streams.state('b')).toMatchObject({ text: 'y' });
    streams.record('chunk', { id: 'bad' }, 3);
    expect(streams.lookup('bad')).toBeUndefined();
  });
});
