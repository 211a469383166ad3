import { describe, expect, it } from 'vitest';
import { type EventSourceMessage, readEventStream } from '../../../src/sources/ai/sse.js';

/** A body that delivers exactly these byte pieces, one read each. */
function bodyOf(pieces: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const piece of pieces)
        controller.enqueue(typeof piece === 'string' ? encoder.encode(piece) : piece);
      controller.close();
    },
  });
}

async function collect(body: ReadableStream<Uint8Array>, stopAt?: string) {
  const events: EventSourceMessage[] = [];
  let activity = 0;
  const result = await readEventStream(body, {
    onEvent(message) {
      events.push(message);
      return message.data === stopAt;
    },
    onActivity: () => activity++,
  });
  return { events, activity, ...result };
}

describe('readEventStream', () => {
  it('reassembles events split anywhere across network chunks, UTF-8 characters included', async () => {
    const stream = 'event: delta\ndata: {"text":"héllo 🌍"}\n\ndata: second\n\n';
    const bytes = new TextEncoder().encode(stream);
    // Every byte its own read: splits the field names, the CRLF-free line ends and the emoji.
    const { events, activity } = await collect(bodyOf([...bytes].map((b) => Uint8Array.of(b))));
    expect(events).toEqual([
      { event: 'delta', id: undefined, data: '{"text":"héllo 🌍"}' },
      { event: undefined, id: undefined, data: 'second' },
    ]);
    expect(activity).toBe(bytes.length);
  });

  it('joins multi-line data, skips comments and accepts CRLF line ends', async () => {
    const { events } = await collect(
      bodyOf([': OPENROUTER PROCESSING\r\n\r\n', 'data: {"a":\r\ndata: 1}\r\n\r\n', ':ping\n\n']),
    );
    expect(events.map((e) => e.data)).toEqual(['{"a":\n1}']);
    expect(JSON.parse(events[0]!.data)).toEqual({ a: 1 });
  });

  it('stops at the end marker and leaves the rest unread', async () => {
    const rest = new TextEncoder().encode('data: never\n\n');
    let pulledAfterStop = false;
    let stopped = false;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('data: one\n\ndata: [DONE]\n\n'));
      },
      pull(controller) {
        if (stopped) pulledAfterStop = true;
        controller.enqueue(rest);
      },
    });
    const events: string[] = [];
    const result = await readEventStream(body, {
      onEvent(message) {
        events.push(message.data);
        stopped = message.data === '[DONE]';
        return stopped;
      },
    });
    expect(result.stopped).toBe(true);
    expect(events).toEqual(['one', '[DONE]']);
    expect(pulledAfterStop).toBe(false);
  });

  it('takes a last event that lacks its closing blank line', async () => {
    const { events, stopped } = await collect(bodyOf(['data: one\n\n', 'data: [DONE]']), '[DONE]');
    expect(events.map((e) => e.data)).toEqual(['one', '[DONE]']);
    expect(stopped).toBe(true);
  });

  it('passes on a handler error and a failed read', async () => {
    await expect(
      readEventStream(bodyOf(['data: x\n\n']), {
        onEvent() {
          throw new Error('bad event');
        },
      }),
    ).rejects.toThrow('bad event');
    const failing = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('data: partial'));
      },
      pull(controller) {
        controller.error(new TypeError('terminated'));
      },
    });
    await expect(readEventStream(failing, { onEvent: () => undefined })).rejects.toThrow(
      'terminated',
    );
  });
});
