/**
 * Messages that wait for an answer — requests, publishes, pings — from the moment the caller
 * makes them until the server answers, they time out, are aborted or the client closes. While
 * the client is disconnected they wait here unsent (bounded); a message whose socket dropped
 * before its answer goes back to unsent and is sent again after the reconnect.
 */
import type { ClientMessage } from '../protocol/index.js';
import { SidecarClientError } from './errors.js';

export type OutboxKind = 'request' | 'publish' | 'ping';

export interface OutboxEntry {
  readonly id: string;
  readonly kind: OutboxKind;
  readonly message: ClientMessage & { id: string };
  /** Sent on the current socket (and not yet answered). */
  sent: boolean;
  /** `performance.now()` when last sent; pings measure their round trip from it. */
  sentAt: number;
}

export interface OutboxOptions {
  /** How many unsent entries may wait; more are rejected with CONNECTION_CLOSED. */
  maxQueue: number;
  /** Whether messages may go out now (connected and resubscribed). */
  canSend(): boolean;
  /** Sends one message; false when the socket is not open after all. */
  send(message: ClientMessage): boolean;
  /** A sent request's signal aborted: tell the server, so it stops the work too. */
  onAbortSent?(entry: OutboxEntry): void;
}

export interface AddOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Names the operation in a TIMEOUT message, e.g. `request "git.log"`. */
  description: string;
}

export interface Outbox {
  /** Sends the message now if possible, else queues it; resolves with the answer. */
  add(
    kind: OutboxKind,
    message: ClientMessage & { id: string },
    options: AddOptions,
  ): Promise<unknown>;
  get(id: string): OutboxEntry | undefined;
  /** The oldest ping awaiting its pong, for a `pong` that carries no id. */
  oldestSentPing(): OutboxEntry | undefined;
  resolve(id: string, value: unknown): void;
  reject(id: string, error: unknown): void;
  /** Sends every unsent entry, oldest first. */
  flush(): void;
  /** The socket dropped: entries it carried are unanswered; returns them, now unsent. */
  unsendAll(): OutboxEntry[];
  /** Rejects every entry (the client closed). */
  rejectAll(error: SidecarClientError): void;
  readonly size: number;
}

interface Waiter {
  entry: OutboxEntry;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  cleanup(): void;
}

export function createOutbox(options: OutboxOptions): Outbox {
  // Insertion-ordered, so flushing keeps the order in which the caller made the calls.
  const waiters = new Map<string, Waiter>();

  function unsentCount(): number {
    let count = 0;
    for (const waiter of waiters.values()) if (!waiter.entry.sent) count++;
    return count;
  }

  function trySend(entry: OutboxEntry): void {
    if (entry.sent || !options.canSend()) return;
    entry.sentAt = performance.now();
    entry.sent = options.send(entry.message);
  }

  function settle(id: string): Waiter | undefined {
    const waiter = waiters.get(id);
    if (!waiter) return undefined;
    waiters.delete(id);
    waiter.cleanup();
    return waiter;
  }

  return {
    add(kind, message, { timeoutMs, signal, description }) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (!options.canSend() && unsentCount() >= options.maxQueue) {
        return Promise.reject(
          new SidecarClientError(
            'CONNECTION_CLOSED',
            `not connected and ${options.maxQueue} messages are already waiting`,
            { maxQueue: options.maxQueue },
          ),
        );
      }
      return new Promise((resolve, reject) => {
        const entry: OutboxEntry = { id: message.id, kind, message, sent: false, sentAt: 0 };
        const timer = setTimeout(() => {
          settle(entry.id)?.reject(
            new SidecarClientError(
              'TIMEOUT',
              `${description} got no answer within ${timeoutMs} ms`,
              {
                timeoutMs,
              },
            ),
          );
        }, timeoutMs);
        const onAbort = () => {
          const waiter = settle(entry.id);
          if (!waiter) return;
          if (waiter.entry.sent) options.onAbortSent?.(waiter.entry);
          waiter.reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        waiters.set(entry.id, {
          entry,
          resolve,
          reject,
          cleanup() {
            clearTimeout(timer);
            signal?.removeEventListener('abort', onAbort);
          },
        });
        trySend(entry);
      });
    },
    get: (id) => waiters.get(id)?.entry,
    oldestSentPing() {
      for (const { entry } of waiters.values())
        if (entry.kind === 'ping' && entry.sent) return entry;
      return undefined;
    },
    resolve(id, value) {
      settle(id)?.resolve(value);
    },
    reject(id, error) {
      settle(id)?.reject(error);
    },
    flush() {
      for (const { entry } of [...waiters.values()]) {
        if (!options.canSend()) return;
        trySend(entry);
      }
    },
    unsendAll() {
      const dropped: OutboxEntry[] = [];
      for (const { entry } of waiters.values()) {
        if (!entry.sent) continue;
        entry.sent = false;
        dropped.push(entry);
      }
      return dropped;
    },
    rejectAll(error) {
      for (const id of [...waiters.keys()]) settle(id)?.reject(error);
    },
    get size() {
      return waiters.size;
    },
  };
}
