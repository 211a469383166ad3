/**
 * Reads a `text/event-stream` body with eventsource-parser: events split across network
 * chunks, multi-byte characters split across chunks, multi-line `data`, comments and CRLF are
 * all handled by the parser and a streaming TextDecoder.
 */

import { createParser, type EventSourceMessage } from 'eventsource-parser';

export type { EventSourceMessage };

export interface EventStreamHandlers {
  /** One complete event; return true to stop reading (the provider's end marker). */
  onEvent(message: EventSourceMessage): boolean | undefined;
  /** Bytes arrived, events or not (keep-alive comments count). */
  onActivity?(): void;
}

/** One event (or unterminated line) larger than this is a broken stream, not a long answer. */
const MAX_EVENT_CHARS = 4 * 1024 * 1024;

/**
 * Feeds `body` to the parser until it ends or a handler asks to stop; returns whether it was
 * stopped. Errors thrown by a handler, and a read that fails (a dropped connection), propagate.
 */
export async function readEventStream(
  body: ReadableStream<Uint8Array>,
  handlers: EventStreamHandlers,
): Promise<{ stopped: boolean }> {
  const decoder = new TextDecoder();
  let stopped = false;
  let overflow: Error | undefined;
  const parser = createParser({
    maxBufferSize: MAX_EVENT_CHARS,
    onEvent: (message) => {
      if (!stopped && handlers.onEvent(message) === true) stopped = true;
    },
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') overflow = error;
    },
  });
  const reader = body.getReader();
  let ended = false;
  try {
    while (!stopped && !overflow) {
      const { done, value } = await reader.read();
      if (done) {
        ended = true;
        // A last event without its closing blank line still counts (lenient, unlike browsers).
        parser.feed(`${decoder.decode()}\n\n`);
        break;
      }
      handlers.onActivity?.();
      parser.feed(decoder.decode(value, { stream: true }));
    }
  } finally {
    // Leaving early (end marker, failure) releases the connection instead of reading the rest.
    if (!ended) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
  if (overflow) throw new Error(`an event larger than ${MAX_EVENT_CHARS} characters`);
  return { stopped };
}
