/**
 * A pass-through stream between a language server's stdout and the JSON-RPC reader. It follows
 * the LSP framing (`Content-Length` headers) so it can refuse what would make the reader buffer
 * without bound (no header end in sight, a huge declared length) and notice a server that
 * floods us with messages, before any of it is parsed.
 */

import { Transform, type TransformCallback } from 'node:stream';

export interface MessageLimits {
  /** Largest message body a server may send. */
  maxMessageBytes: number;
  /** Flood: more messages than this within one window. */
  maxMessagesPerWindow: number;
  /** Flood: more bytes than this within one window. */
  maxBytesPerWindow: number;
  windowMs: number;
}

export const DEFAULT_MESSAGE_LIMITS: MessageLimits = Object.freeze({
  maxMessageBytes: 64 * 1024 * 1024,
  // A TypeScript server checking 2,000 files sends a few thousand messages in a burst.
  maxMessagesPerWindow: 100_000,
  maxBytesPerWindow: 256 * 1024 * 1024,
  windowMs: 5_000,
});

/** Why a guard gave up on a server's output. */
export class ServerOutputError extends Error {
  constructor(
    readonly kind: 'malformed' | 'flood',
    message: string,
  ) {
    super(message);
    this.name = 'ServerOutputError';
  }
}

/** Headers are a line or two; more than this without a blank line is not LSP. */
const MAX_HEADER_BYTES = 8 * 1024;
const HEADER_END = Buffer.from('\r\n\r\n');

export function createMessageGuard(limits: MessageLimits = DEFAULT_MESSAGE_LIMITS): Transform {
  let pendingHeader: Buffer = Buffer.alloc(0);
  let bodyRemaining = 0;
  let windowStart = Date.now();
  let messagesInWindow = 0;
  let bytesInWindow = 0;

  function countTraffic(bytes: number, messages: number): void {
    const now = Date.now();
    if (now - windowStart >= limits.windowMs) {
      windowStart = now;
      messagesInWindow = 0;
      bytesInWindow = 0;
    }
    messagesInWindow += messages;
    bytesInWindow += bytes;
    if (messagesInWindow > limits.maxMessagesPerWindow) {
      throw new ServerOutputError(
        'flood',
        `flooded sidecar with more than ${limits.maxMessagesPerWindow} messages within ${limits.windowMs} ms`,
      );
    }
    if (bytesInWindow > limits.maxBytesPerWindow) {
      throw new ServerOutputError(
        'flood',
        `flooded sidecar with more than ${limits.maxBytesPerWindow} bytes within ${limits.windowMs} ms`,
      );
    }
  }

  /** Reads the body length from a header block, or throws. */
  function contentLength(header: Buffer): number {
    const text = header.toString('ascii');
    const match = /(?:^|\r\n)content-length:[ \t]*(\d{1,12})[ \t]*(?:\r\n|$)/i.exec(text);
    if (!match) {
      throw new ServerOutputError(
        'malformed',
        `sent malformed JSON-RPC: a header without Content-Length (${JSON.stringify(text.slice(0, 80))})`,
      );
    }
    const length = Number(match[1]);
    if (length > limits.maxMessageBytes) {
      throw new ServerOutputError(
        'flood',
        `sent a message of ${length} bytes, more than the ${limits.maxMessageBytes} allowed`,
      );
    }
    return length;
  }

  /** Walks `chunk` through the framing; returns how many messages started in it. */
  function follow(chunk: Buffer): number {
    let offset = 0;
    let messages = 0;
    while (offset < chunk.length) {
      if (bodyRemaining > 0) {
        const take = Math.min(bodyRemaining, chunk.length - offset);
        bodyRemaining -= take;
        offset += take;
        continue;
      }
      const previous = pendingHeader.length;
      const rest = chunk.subarray(offset);
      // Only a header split across chunks is copied, and never more than a header's worth.
      const header =
        previous === 0
          ? rest
          : Buffer.concat([pendingHeader, rest.subarray(0, MAX_HEADER_BYTES + HEADER_END.length)]);
      const end = header.indexOf(HEADER_END);
      if (end === -1) {
        if (header.length > MAX_HEADER_BYTES) {
          const start = JSON.stringify(header.subarray(0, 80).toString('utf8'));
          throw new ServerOutputError(
            'malformed',
            `sent malformed JSON-RPC: ${header.length} bytes without a header end (${start})`,
          );
        }
        pendingHeader = Buffer.from(header);
        break;
      }
      if (end > MAX_HEADER_BYTES) {
        throw new ServerOutputError(
          'malformed',
          'sent malformed JSON-RPC: a header block too long',
        );
      }
      bodyRemaining = contentLength(header.subarray(0, end));
      messages++;
      pendingHeader = Buffer.alloc(0);
      offset += end + HEADER_END.length - previous;
    }
    return messages;
  }

  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      try {
        countTraffic(chunk.length, follow(chunk));
        callback(null, chunk);
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}
