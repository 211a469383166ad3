/**
 * The client's channel handlers and its position in each channel: the last `seq` it delivered.
 * Positions are what make delivery exactly-once and in order across reconnects — an event at or
 * below the position was already delivered (a replay overlapping what arrived before the drop)
 * and is dropped. Pure bookkeeping: no sockets, no timers.
 */
import type { Channel, EventMessage, SnapshotMessage } from '../protocol/index.js';
import { reportListenerError } from './emitter.js';
/** A channel handler as stored: the per-channel typing lives at the public API. */
export type AnyChannelHandler = (message: EventMessage | SnapshotMessage) => void;

export interface SubscriptionRegistry {
  /** Adds a handler; true when it is the channel's first (the server must be told). */
  add(channel: Channel, handler: AnyChannelHandler): boolean;
  /** Removes a handler; true when it was the channel's last (the server must be told). */
  remove(channel: Channel, handler: AnyChannelHandler): boolean;
  has(channel: string): boolean;
  /** The channels that have handlers, in subscription order. */
  channels(): Channel[];
  /** The last delivered `seq` of a subscribed channel, if known. */
  position(channel: string): number | undefined;
  /** Moves a subscribed channel's position forward to `seq` (never back). */
  advance(channel: string, seq: number): void;
  /** Forgets every position (the server restarted); returns what they were. */
  resetPositions(): Map<Channel, number>;
  /**
   * Hands an `event` or `snapshot` to the channel's handlers unless it was already delivered.
   * Events must be above the position; a snapshot (a whole state, not an event) only must not
   * be older than it. Returns whether the message was delivered.
   */
  deliver(message: EventMessage | SnapshotMessage): boolean;
}

export function createSubscriptionRegistry(): SubscriptionRegistry {
  const handlers = new Map<Channel, Set<AnyChannelHandler>>();
  const positions = new Map<Channel, number>();

  return {
    add(channel, handler) {
      let set = handlers.get(channel);
      const first = !set;
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
      }
      set.add(handler);
      return first;
    },
    remove(channel, handler) {
      const set = handlers.get(channel);
      if (!set?.delete(handler) || set.size > 0) return false;
      handlers.delete(channel);
      // A later subscriber starts from "now", not from where this one left off.
      positions.delete(channel);
      return true;
    },
    has: (channel) => handlers.has(channel as Channel),
    channels: () => [...handlers.keys()],
    position: (channel) => positions.get(channel as Channel),
    advance(channel, seq) {
      if (!handlers.has(channel as Channel) || !Number.isSafeInteger(seq) || seq < 0) return;
      const current = positions.get(channel as Channel);
      if (current === undefined || seq > current) positions.set(channel as Channel, seq);
    },
    resetPositions() {
      const previous = new Map(positions);
      positions.clear();
      return previous;
    },
    deliver(message) {
      const set = handlers.get(message.channel);
      if (!set) return false;
      const current = positions.get(message.channel);
      if (current !== undefined) {
        if (message.type === 'event' ? message.seq <= current : message.seq < current) return false;
      }
      positions.set(message.channel, message.seq);
      for (const handler of [...set]) {
        // A handler removed by an earlier one in this loop gets nothing more.
        if (!set.has(handler)) continue;
        try {
          handler(message);
        } catch (error) {
          reportListenerError(error);
        }
      }
      return true;
    },
  };
}
