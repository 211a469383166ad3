import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';

/** What the send path needs of a connection. */
export interface OutboundConnection {
  socket: WebSocket;
  /** The TCP socket under `socket`, corked while a tick's frames are queued. */
  transport: Duplex;
  closing: boolean;
  /**
   * Bytes a replay may hold above the high-water mark until the client drains below it, so a
   * long replay (bounded by the history) does not close a reading client in a reconnect loop.
   */
  replayAllowance: number;
}

export interface Outbound<C extends OutboundConnection> {
  /**
   * Sends bytes that are already a serialized message. A replay (`replaying`) is never cut
   * short; call `replayDone` after it.
   */
  sendFrame(connection: C, frame: Buffer, replaying?: boolean): void;
  /** Lets what a replay left queued above the mark drain before the check applies again. */
  replayDone(connection: C): void;
}

/** How far past the high-water mark one tick's own frames may go before the client is dropped. */
const IN_TICK_FACTOR = 4;

/**
 * The send path's flow control. The frames a connection is sent in one tick (a burst of
 * events, a replay) go out in one write instead of one syscall each: on loopback that halves
 * the server's CPU per event. The high-water mark applies to what earlier ticks left unsent: a
 * client that reads keeps that near zero whatever one tick produces, while one that stops
 * reading sees it grow tick after tick.
 */
export function createOutbound<C extends OutboundConnection>(options: {
  highWaterMark: number;
  onSlowConsumer: (connection: C) => void;
  onSent: (connection: C, bytes: number) => void;
}): Outbound<C> {
  const { highWaterMark } = options;
  const corked = new Set<C>();
  const uncorkAll = () => {
    for (const connection of corked) connection.transport.uncork();
    corked.clear();
  };

  function isOverHighWater(connection: C, limit: number): boolean {
    const buffered = connection.socket.bufferedAmount;
    if (connection.replayAllowance > 0 && buffered <= highWaterMark) connection.replayAllowance = 0;
    return buffered > limit + connection.replayAllowance;
  }

  return {
    sendFrame(connection, frame, replaying = false) {
      if (connection.closing || connection.socket.readyState !== WebSocket.OPEN) return;
      const firstThisTick = !corked.has(connection);
      const limit = firstThisTick ? highWaterMark : highWaterMark * IN_TICK_FACTOR;
      if (!replaying && isOverHighWater(connection, limit)) {
        options.onSlowConsumer(connection);
        return;
      }
      if (firstThisTick) {
        if (corked.size === 0) process.nextTick(uncorkAll);
        corked.add(connection);
        connection.transport.cork();
      }
      connection.socket.send(frame, { binary: false });
      options.onSent(connection, frame.length);
    },
    replayDone(connection) {
      connection.replayAllowance = Math.max(
        connection.replayAllowance,
        connection.socket.bufferedAmount - highWaterMark,
      );
    },
  };
}
