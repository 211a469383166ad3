/**
 * Reading what the server sends. The server is trusted to follow the protocol, but a client
 * library must not crash on a malformed frame (a proxy, a newer or buggy server): every field
 * the client relies on is checked before use.
 */
import type { ErrorBody, ServerMessage } from '../protocol/index.js';
import { SidecarClientError } from './errors.js';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A server error body as an error; a malformed body still becomes a readable one. */
export function errorFromBody(body: unknown): SidecarClientError {
  if (isRecord(body) && typeof body.code === 'string' && typeof body.message === 'string') {
    return SidecarClientError.fromBody(body as unknown as ErrorBody);
  }
  return new SidecarClientError('INVALID_MESSAGE', 'the server sent a malformed error', {
    error: body,
  });
}

/**
 * One text frame as a server message, or an `INVALID_MESSAGE` error saying why it is not one.
 * Message types this client does not know are passed through (for the caller to ignore).
 */
export function parseServerMessage(text: string): ServerMessage | SidecarClientError {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return new SidecarClientError('INVALID_MESSAGE', 'the server sent a frame that is not JSON');
  }
  if (!isRecord(value) || typeof value.type !== 'string') {
    return new SidecarClientError('INVALID_MESSAGE', 'the server sent a message without a type');
  }
  const invalid = (what: string) =>
    new SidecarClientError('INVALID_MESSAGE', `the server sent a ${value.type} ${what}`);
  switch (value.type) {
    case 'welcome':
      if (typeof value.epoch !== 'string') return invalid('without an epoch');
      break;
    case 'event':
    case 'snapshot':
      if (typeof value.channel !== 'string' || !Number.isSafeInteger(value.seq)) {
        return invalid('without a channel or seq');
      }
      break;
    case 'response':
      if (typeof value.id !== 'string') return invalid('without an id');
      break;
  }
  return value as unknown as ServerMessage;
}

/** Splits `items` into arrays of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
