import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';

/**
 * What a queued frame costs beyond its bytes: Node and ws keep two write requests, a frame
 * header and a Buffer object for each (measured at 200–450 bytes on Node 20 with ws 8). Charged
 * so that a flood of tiny events cannot hold several times the budget in memory.
 */
export const FRAME_OVERHEAD = 512;

/** How far past the budget one tick's own frames may go before the client is dropped. */
const IN_TICK_FACTOR = 4;

/** A replay queues frames only while the queue is under this share of the budget. */
const REPLAY_SHARE = 0.5;

/** The send path's bookkeeping of one connection. */
export interface Flow {
  /** Frames handed to the socket and not written out yet. */
  frames: number;
  /** The most this connection has ever been charged, for `connections()`. */
  peak: number;
  /** How far a single large replay frame took the queue past the budget; forgiven until drained. */
  overshoot: number;
  /** Set while a paced replay waits for the queue to drain below its share. */
  drained: (() => void) | undefined;
  /** The send callback of every frame: counts the frame out once written (or dropped). */
  readonly written: () => void;
}

export function createFlow(): Flow {
  const flow: Flow = {
    frames: 0,
    peak: 0,
    overshoot: 0,
    drained: undefined,
    written: () => {
      flow.frames--;
      flow.drained?.();
    },
  };
  return flow;
}

/** What the send path needs of a connection. */
export interface OutboundConnection {
  socket: WebSocket;
  /** The TCP socket under `socket`, corked while a tick's frames are queued. */
  transport: Duplex;
  closing: boolean;
  flow: Flow;
}

export interface Outbound<C extends OutboundConnection> {
  /**
   * Sends bytes that are already a serialized message (a live event, an answer), or closes the
   * connection as a slow consumer when its queue is past the budget.
   */
  sendFrame(connection: C, frame: Buffer): void;
  /** Whether a replay may queue its next frame now. */
  hasReplayRoom(connection: C): boolean;
  /** Queues one frame of a replay (after `hasReplayRoom`); returns what it was charged. */
  sendReplayFrame(connection: C, frame: Buffer): number;
  /** Calls `resume` (once, on a later turn of the event loop) when there is replay room again. */
  whenReplayRoom(connection: C, resume: () => void): void;
  /** Bytes queued for the connection and not yet written out, plus the per-frame overhead. */
  queuedBytes(connection: C): number;
}

/**
 * The send path's flow control. Every connection has a budget of queued bytes (the high-water
 * mark): what the socket holds unwritten, plus FRAME_OVERHEAD per unwritten frame. Live events
 * and answers close the connection with 4008 when the queue is past the budget; replays are paced
 * instead, queuing only up to half of it and going on as the client reads.
 *
 * The frames a connection is sent in one tick (a burst of events, a replay slice) go out in one
 * write instead of one syscall each: on loopback that halves the server's CPU per event. The
 * budget applies to what earlier ticks left unsent: a client that reads keeps that near zero
 * whatever one tick produces, while one that stops reading sees it grow tick after tick. Within
 * one tick a connection may take up to four budgets.
 */
export function createOutbound<C extends OutboundConnection>(options: {
  highWaterMark: number;
  onSlowConsumer: (connection: C) => void;
  onSent: (connection: C, bytes: number) => void;
}): Outbound<C> {
  const budget = options.highWaterMark;
  const replayRoom = budget * REPLAY_SHARE;
  const corked = new Set<C>();
  const uncorkAll = () => {
    for (const connection of corked) connection.transport.uncork();
    corked.clear();
  };

  const isOpen = (connection: C) =>
    !connection.closing && connection.socket.readyState === WebSocket.OPEN;

  function queuedBytes(connection: C): number {
    return connection.socket.bufferedAmount + connection.flow.frames * FRAME_OVERHEAD;
  }

  /** Queues `frame` on a connection charged `queued` before it; returns the charge after. */
  function write(connection: C, frame: Buffer, queued: number): number {
    if (!corked.has(connection)) {
      if (corked.size === 0) process.nextTick(uncorkAll);
      corked.add(connection);
      connection.transport.cork();
    }
    const { flow } = connection;
    flow.frames++;
    connection.socket.send(frame, { binary: false }, flow.written);
    options.onSent(connection, frame.length);
    // Leaves out the few bytes of the frame header: not worth another look at the socket.
    const after = queued + frame.length + FRAME_OVERHEAD;
    if (after > flow.peak) flow.peak = after;
    return after;
  }

  return {
    sendFrame(connection, frame) {
      if (!isOpen(connection)) return;
      const { flow } = connection;
      const queued = queuedBytes(connection);
      if (flow.overshoot > 0 && queued <= budget) flow.overshoot = 0;
      const limit = corked.has(connection) ? budget * IN_TICK_FACTOR : budget;
      if (queued > limit + flow.overshoot) {
        options.onSlowConsumer(connection);
        return;
      }
      write(connection, frame, queued);
    },
    hasReplayRoom: (connection) => isOpen(connection) && queuedBytes(connection) < replayRoom,
    sendReplayFrame(connection, frame) {
      const queued = write(connection, frame, queuedBytes(connection));
      // Only a frame bigger than half the budget can get here (replays stop at half): a
      // snapshot of a large state. It must not get the reader closed before it could read it.
      connection.flow.overshoot = Math.max(0, queued - budget);
      return frame.length + FRAME_OVERHEAD;
    },
    whenReplayRoom(connection, resume) {
      const { flow } = connection;
      flow.drained = () => {
        if (connection.closing || queuedBytes(connection) >= replayRoom) return;
        flow.drained = undefined;
        // Not from inside the socket's write callback.
        setImmediate(resume);
      };
    },
    queuedBytes,
  };
}
