/** `connect()` options, checked and defaulted once into a frozen object the client trusts. */
import { type BackoffOptions, normalizeBackoff } from './backoff.js';
import type { ConnectOptions, WebSocketConstructor } from './types.js';

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_QUEUE = 1000;

export interface ResolvedConnectOptions {
  readonly url: string;
  readonly token: string | undefined;
  readonly reconnect: Readonly<BackoffOptions> | false;
  readonly requestTimeoutMs: number;
  readonly maxQueue: number;
  readonly WebSocket: WebSocketConstructor | undefined;
}

/** `value` when it is a positive finite number, else `fallback`. */
export function positiveOr(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

export function normalizeConnectOptions(options: ConnectOptions): ResolvedConnectOptions {
  if (typeof options?.url !== 'string' || options.url.length === 0) {
    throw new TypeError('connect(): `url` must be the WebSocket URL, e.g. ws://127.0.0.1:3001/ws');
  }
  if (options.WebSocket !== undefined && typeof options.WebSocket !== 'function') {
    throw new TypeError('connect(): `WebSocket` must be a WebSocket class');
  }
  return Object.freeze({
    url: options.url,
    token: options.token || undefined,
    reconnect: options.reconnect === false ? false : normalizeBackoff(options.reconnect ?? {}),
    requestTimeoutMs: positiveOr(options.requestTimeoutMs, DEFAULT_REQUEST_TIMEOUT_MS),
    maxQueue: Math.max(1, Math.floor(positiveOr(options.maxQueue, DEFAULT_MAX_QUEUE))),
    WebSocket: options.WebSocket,
  });
}
