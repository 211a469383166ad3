import { describe, expect, it } from 'vitest';
import { checkProducerEvent } from '../../../src/sources/ai/producer-guard.js';
import { createStreamRegistry } from '../../../src/sources/ai/stream-registry.js';

function setup(maxStreams = 10) {
  const streams = createStreamRegistry({ maxStreams, keepFinishedMs: 60_000, maxTextChars: 1000 });
  let seq = 0;
  /** Checks, then records as the broadcaster would after a successful publish. */
  const publish = (event: string, id: string, index: number, finished = event !== 'chunk') => {
    const data = { id, chunk: `${index}`, index, finished };
    checkProducerEvent(streams, event, data);
    streams.record(event, data, ++seq);
  };
  return { streams, publish };
}

describe('the producer guard', () => {
  it('accepts 0, 1, 2… and refuses a gap and a repeat, naming expected and got', () => {
    const { streams, publish } = setup();
    publish('chunk', 's', 0);
    publish('chunk', 's', 1);
    expect(() => publish('chunk', 's', 3)).toThrow(
      expect.objectContaining({
        code: 'INVALID_PARAMS',
        message: 'stream "s": expected index 2, got 3 (a gap; chunks are not re-ordered)',
        details: { field: 'index', id: 's', expected: 2, got: 3 },
      }),
    );
    expect(() => publish('chunk', 's', 1)).toThrow(/expected index 2, got 1 \(a repeated index/);
    expect(() => publish('chunk', 'new', 4)).toThrow(/stream "new": expected index 0, got 4/);
    expect(streams.state('s')).toMatchObject({ text: '01', lastIndex: 1 });
  });

  it('ends the stream on done or error; later events are refused', () => {
    const { publish } = setup();
    publish('chunk', 'a', 0);
    publish('done', 'a', 1);
    expect(() => publish('chunk', 'a', 2)).toThrow(
      expect.objectContaining({
        code: 'INVALID_PARAMS',
        message: expect.stringContaining('stream "a" has already ended (done at index 1)'),
      }),
    );
    publish('error', 'b', 0);
    expect(() => publish('chunk', 'b', 1)).toThrow(/has already ended \(error at index 0\)/);
  });

  it('wants finished: true on done and error', () => {
    const { publish } = setup();
    expect(() => publish('done', 'a', 0, false)).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMS', details: { field: 'finished', id: 'a' } }),
    );
  });

  it('keeps producers off ai.chat streams and refuses new streams when full', () => {
    const { streams, publish } = setup(1);
    streams.claim('chat-1');
    expect(() => publish('chunk', 'chat-1', 0)).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    expect(() => publish('chunk', 'other', 0)).toThrow(
      expect.objectContaining({ code: 'RATE_LIMITED' }),
    );
  });
});
