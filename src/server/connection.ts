import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Channel, ErrorBody, ErrorCode } from '../protocol/index.js';
import { idOfFrame } from './messages.js';
import { createFlow, type OutboundConnection } from './outbound.js';
import {
  createFloodDetector,
  createTokenBucket,
  type FloodDetector,
  type TokenBucket,
} from './rate-limit.js';

/*
 * One WebSocket connection: what is kept about it, its heartbeat and its message limits. The
 * manager keeps the set of them; the dispatcher answers what they send.
 */

/** What the manager knows of a connection, for `connections()` and logs. */
export interface ConnectionInfo {
  id: string;
  remoteAddress: string;
  origin: string | undefined;
  userAgent: string | undefined;
  connectedAt: number;
  lastActivity: number;
  subscriptions: Channel[];
  messagesReceived: number;
  messagesSent: number;
  bytesSent: number;
  rateLimited: number;
  /** What the connection is charged now against its budget: unsent bytes plus overhead. */
  queuedBytes: number;
  /** The most it has been charged so far. */
  peakQueuedBytes: number;
}

export interface Connection extends OutboundConnection {
  info: Omit<ConnectionInfo, 'subscriptions' | 'queuedBytes' | 'peakQueuedBytes'>;
  bucket: TokenBucket;
  flood: FloodDetector;
  alive: boolean;
  closing: boolean;
  /** The Host header of its upgrade: with the Origin, tells the sidecar's own page. */
  host: string | undefined;
  /** Aborts the handlers of requests still running when the connection goes. */
  pending: Set<AbortController>;
  /** The same requests by their id, for a `cancel` to find (the latest one of an id). */
  requests: Map<string, AbortController>;
  lastRateLimitNotice: number;
  /**
   * Subscribes and unsubscribes still waiting for a source to start: later ones wait behind
   * them, so they take effect in the order they were sent. Undefined when none waits.
   */
  waitingSubscribes: Promise<void> | undefined;
}

/** A fresh connection's record, with its own token bucket and flood detector. */
export function createConnection(
  socket: WebSocket,
  transport: Duplex,
  request: IncomingMessage,
  limits: { rateLimit: number; rateBurst: number },
): Connection {
  const now = Date.now();
  return {
    info: {
      id: randomUUID(),
      remoteAddress: request.socket.remoteAddress ?? '',
      origin: request.headers.origin,
      userAgent: request.headers['user-agent'],
      connectedAt: now,
      lastActivity: now,
      messagesReceived: 0,
      messagesSent: 0,
      bytesSent: 0,
      rateLimited: 0,
    },
    host: request.headers.host,
    socket,
    transport,
    bucket: createTokenBucket(limits.rateLimit, limits.rateBurst),
    // "Sustained flooding": twice a full burst dropped within ten seconds.
    flood: createFloodDetector(Math.max(2 * limits.rateBurst, 50), 10_000),
    alive: true,
    closing: false,
    pending: new Set(),
    requests: new Map(),
    lastRateLimitNotice: 0,
    waitingSubscribes: undefined,
    flow: createFlow(),
  };
}

/**
 * Pings every connection each `intervalMs`; one that has not answered (a pong, or a `pong`
 * message) since the previous ping is handed to `onDead`. Returns a function that stops it.
 */
export function startHeartbeat(
  connections: Iterable<Connection>,
  intervalMs: number,
  onDead: (connection: Connection) => void,
): () => void {
  const heartbeat = setInterval(() => {
    for (const connection of connections) {
      if (!connection.alive) {
        onDead(connection);
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }, intervalMs);
  heartbeat.unref();
  return () => clearInterval(heartbeat);
}

const RATE_LIMIT_NOTICE_INTERVAL_MS = 1000;

export interface RateGateDeps {
  /** Messages per second, for the notice. */
  rateLimit: number;
  sendError(connection: Connection, id: string | undefined, error: ErrorBody): void;
  /** Counts a dropped message. */
  onDropped(connection: Connection): void;
  /** A connection that keeps flooding past the limit: to be closed. */
  onFlood(connection: Connection): void;
}

/**
 * The per-connection rate limit: returns whether a message may be handled. A dropped one is
 * answered with RATE_LIMITED (those without an id get one notice a second), and a connection
 * that keeps flooding is handed to `onFlood`.
 */
export function createRateGate(
  deps: RateGateDeps,
): (connection: Connection, text: string) => boolean {
  return (connection, text) => {
    if (connection.bucket.take()) return true;
    connection.info.rateLimited++;
    deps.onDropped(connection);
    if (connection.flood.recordRejection()) {
      deps.onFlood(connection);
      return false;
    }
    const error: ErrorBody = {
      code: 'RATE_LIMITED' satisfies ErrorCode,
      message: `rate limit of ${deps.rateLimit} messages/s exceeded; message dropped`,
    };
    const id = idOfFrame(text);
    if (id !== undefined) {
      deps.sendError(connection, id, error);
      return false;
    }
    // A message without an id gets one notice a second, not one per dropped message.
    const now = Date.now();
    if (now - connection.lastRateLimitNotice >= RATE_LIMIT_NOTICE_INTERVAL_MS) {
      connection.lastRateLimitNotice = now;
      deps.sendError(connection, undefined, error);
    }
    return false;
  };
}
