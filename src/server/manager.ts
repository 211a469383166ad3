import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { SidecarError, toErrorBody } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import {
  BUILTIN_CHANNELS,
  type Channel,
  CLOSE_CODES,
  type ClientMessage,
  type ErrorBody,
  type ErrorCode,
  isChannel,
  isStateChannel,
  PROTOCOL_VERSION,
  type PublishMessage,
  type RequestMessage,
  type ServerMessage,
  type SubscribeMessage,
  type UnsubscribeMessage,
  type UnsubscribeResult,
  type WelcomeMessage,
} from '../protocol/index.js';
import type { EventBroadcaster } from './broadcaster.js';
import { channelsOf, idOfFrame, parseClientMessage } from './messages.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, type MethodRegistry } from './method-registry.js';
import { createFlow, createOutbound, type OutboundConnection } from './outbound.js';
import type { Publisher } from './publisher.js';
import {
  createFloodDetector,
  createTokenBucket,
  type FloodDetector,
  type TokenBucket,
} from './rate-limit.js';
import { createReplayPacer } from './replay-pacer.js';
import { createSubscriberIndex } from './subscriber-index.js';

export interface ManagerOptions {
  heartbeatMs: number;
  /** Messages per second per connection; 0 turns the limit off. */
  rateLimit: number;
  rateBurst: number;
  maxPayload: number;
  /**
   * Each connection's budget of queued bytes (unsent bytes plus a per-frame overhead): past it
   * the connection is closed as a slow consumer, and replays are paced to stay within it.
   */
  highWaterMark: number;
  /** Requests a connection may have running at once. */
  maxPendingRequests: number;
  /**
   * Longest a subscribe waits for a starting source's first state before its snapshot is sent
   * anyway; the request timeout by default.
   */
  startWaitMs?: number;
}

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

export interface ManagerStats {
  connections: number;
  connectionsTotal: number;
  messagesReceived: number;
  messagesSent: number;
  bytesSent: number;
  rateLimited: number;
  slowConsumerCloses: number;
  floodCloses: number;
  deadPeersTerminated: number;
}

export interface WebSocketManager {
  /** Completes an upgrade that the HTTP gate has already allowed. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  clientCount(): number;
  connections(): ConnectionInfo[];
  stats(): ManagerStats;
  /** Tells every client why, closes them with 1001, and waits (briefly) for them to go. */
  close(reason: string): Promise<void>;
}

interface Connection extends OutboundConnection {
  info: Omit<ConnectionInfo, 'subscriptions' | 'queuedBytes' | 'peakQueuedBytes'>;
  bucket: TokenBucket;
  flood: FloodDetector;
  alive: boolean;
  closing: boolean;
  /** Aborts the handlers of requests still running when the connection goes. */
  pending: Set<AbortController>;
  lastRateLimitNotice: number;
  /**
   * Subscribes and unsubscribes still waiting for a source to start: later ones wait behind
   * them, so they take effect in the order they were sent. Undefined when none waits.
   */
  waitingSubscribes: Promise<void> | undefined;
}

export interface ManagerDeps {
  broadcaster: EventBroadcaster;
  methods: MethodRegistry;
  publisher: Publisher;
  log: Logger;
  server: { name: string; version: string };
  options: ManagerOptions;
  /** Called after a client connects or disconnects, e.g. to publish `system` events. */
  onClientCountChange?: (change: { clientId: string; clients: number; connected: boolean }) => void;
}

const RATE_LIMIT_NOTICE_INTERVAL_MS = 1000;
/** Channels one connection may follow at once; bounds the subscriber map per connection. */
const MAX_SUBSCRIPTIONS_PER_CONNECTION = 256;
const CLOSE_GRACE_MS = 2000;

export function createWebSocketManager(deps: ManagerDeps): WebSocketManager {
  const { broadcaster, methods, publisher, log, options } = deps;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayload,
    perMessageDeflate: false,
    clientTracking: false,
  });
  const connections = new Set<Connection>();
  const subscribers = createSubscriberIndex<Connection>();
  const totals: ManagerStats = {
    connections: 0,
    connectionsTotal: 0,
    messagesReceived: 0,
    messagesSent: 0,
    bytesSent: 0,
    rateLimited: 0,
    slowConsumerCloses: 0,
    floodCloses: 0,
    deadPeersTerminated: 0,
  };
  let shuttingDown = false;

  const stopBroadcasts = broadcaster.onBroadcast((channel, frame) => {
    // During shutdown the `system` shutdown notice goes to everyone, subscribed or not.
    const targets =
      shuttingDown && channel === 'system' ? connections : subscribers.subscribersOf(channel);
    if (!targets) return;
    for (const connection of targets) sendFrame(connection, frame);
  });

  const heartbeat = setInterval(() => {
    for (const connection of connections) {
      if (!connection.alive) {
        log.debug(`terminating ${connection.info.id}: no pong since the last heartbeat`);
        totals.deadPeersTerminated++;
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }, options.heartbeatMs);
  heartbeat.unref();

  const outbound = createOutbound<Connection>({
    highWaterMark: options.highWaterMark,
    onSlowConsumer: closeSlowConsumer,
    onSent: (connection, bytes) => {
      connection.info.messagesSent++;
      connection.info.bytesSent += bytes;
      totals.messagesSent++;
      totals.bytesSent += bytes;
    },
  });
  const sendFrame = outbound.sendFrame;
  const replays = createReplayPacer<Connection>({
    broadcaster,
    outbound,
    follow: (connection, channel) => subscribers.add(channel, connection),
    answer(connection, id, outcome) {
      if ('error' in outcome) sendError(connection, id, toErrorBody(outcome.error));
      else if (id !== undefined) send(connection, { type: 'response', id, result: outcome.result });
    },
  });

  function closeSlowConsumer(connection: Connection): void {
    totals.slowConsumerCloses++;
    log.warn(
      `closing ${connection.info.id} as a slow consumer: ${outbound.queuedBytes(connection)} bytes queued, over the budget of ${options.highWaterMark}`,
    );
    closeConnection(connection, CLOSE_CODES.SLOW_CONSUMER, 'slow consumer: reconnect and resume');
  }

  function send(connection: Connection, message: ServerMessage): void {
    sendFrame(connection, Buffer.from(JSON.stringify(message)));
  }

  function sendError(connection: Connection, id: string | undefined, error: ErrorBody): void {
    if (id !== undefined) send(connection, { type: 'response', id, error });
    else send(connection, { type: 'error', ...error });
  }

  function closeConnection(connection: Connection, code: number, reason: string): void {
    if (connection.closing) return;
    connection.closing = true;
    subscribers.removeAll(connection);
    replays.forget(connection);
    // ws sends the close frame after the queued data and destroys the socket if the peer never
    // answers, so a peer that stopped reading costs at most its budget.
    connection.socket.close(code, reason);
  }

  function handleSubscribe(connection: Connection, message: SubscribeMessage): void {
    const names = requireChannels(message, 'subscribe');
    const starting = names.flatMap((channel) => broadcaster.snapshotReady(channel) ?? []);
    if (starting.length === 0 && !connection.waitingSubscribes) {
      subscribe(connection, message, names);
      return;
    }
    // A snapshot taken now would hold a state the source does not know yet: wait for it. The
    // other channels start where they stood on arrival, so what they send meanwhile is replayed.
    const arrivedAt = new Map(
      names
        .filter((channel) => !isStateChannel(channel))
        .map((channel) => [
          channel,
          { epoch: broadcaster.epoch, seq: broadcaster.latestSeq(channel) },
        ]),
    );
    inOrder(connection, message.id, async () => {
      await settledWithin(Promise.all(starting), options.startWaitMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
      // A connection that closed meanwhile must not be added back to the subscribers.
      if (!connection.closing) subscribe(connection, message, names, arrivedAt);
    });
  }

  /** Runs `step` after the connection's waiting subscribes, unless it has closed by then. */
  function inOrder(
    connection: Connection,
    id: string | undefined,
    step: () => void | Promise<void>,
  ): void {
    const previous = connection.waitingSubscribes ?? Promise.resolve();
    const next = previous
      .then(async () => {
        if (!connection.closing) await step();
      })
      .catch((error: unknown) => {
        if (!connection.closing) sendError(connection, id, toErrorBody(error));
      })
      .finally(() => {
        if (connection.waitingSubscribes === next) connection.waitingSubscribes = undefined;
      });
    connection.waitingSubscribes = next;
  }

  function subscribe(
    connection: Connection,
    message: SubscribeMessage,
    names: Channel[],
    arrivedAt?: Map<Channel, { epoch: string; seq: number }>,
  ): void {
    // Each waiting subscribe is held until its answer: as many as requests may run at once.
    if (replays.waiting(connection) >= options.maxPendingRequests) {
      throw new SidecarError(
        'RATE_LIMITED',
        `too many subscribes waiting for their replay (at most ${options.maxPendingRequests} per connection)`,
      );
    }
    // A channel still replaying counts as followed: subscribing again queues no second replay.
    const replaying = replays.replaying(connection);
    const following = subscribers.channelsOf(connection).length + replaying.size;
    const added = names.filter(
      (name) => !subscribers.has(connection, name) && !replaying.has(name),
    );
    if (following + added.length > MAX_SUBSCRIPTIONS_PER_CONNECTION) {
      throw new SidecarError(
        'FORBIDDEN',
        `a connection may follow at most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} channels`,
      );
    }
    const since = message.since;
    replays.subscribe(connection, {
      id: message.id,
      channels: names,
      replays: added.map((channel) => {
        const lastSeen = since?.seq[channel];
        return {
          channel,
          since:
            since && lastSeen !== undefined
              ? { epoch: since.epoch, seq: lastSeen }
              : arrivedAt?.get(channel),
        };
      }),
    });
  }

  function handleUnsubscribe(connection: Connection, message: UnsubscribeMessage): void {
    const names = requireChannels(message, 'unsubscribe');
    if (connection.waitingSubscribes) {
      inOrder(connection, message.id, () => unsubscribe(connection, message, names));
      return;
    }
    unsubscribe(connection, message, names);
  }

  function unsubscribe(
    connection: Connection,
    message: UnsubscribeMessage,
    names: Channel[],
  ): void {
    replays.cancel(connection, names);
    for (const channel of names) subscribers.remove(channel, connection);
    if (message.id !== undefined) {
      const result: UnsubscribeResult = { channels: names };
      send(connection, { type: 'response', id: message.id, result });
    }
  }

  function requireChannels(
    message: { channel?: string; channels?: string[] },
    type: string,
  ): Channel[] {
    const names = channelsOf(message);
    if (names.length === 0) {
      throw new SidecarError('INVALID_MESSAGE', `${type} needs "channel" or "channels"`, {
        field: 'channels',
      });
    }
    const unknown = names.filter((name) => !isChannel(name));
    if (unknown.length > 0) {
      throw new SidecarError(
        'UNKNOWN_CHANNEL',
        `unknown channel ${unknown.map((c) => `"${c}"`).join(', ')}`,
        {
          channels: unknown,
          known: [...BUILTIN_CHANNELS, 'custom:<name>'],
        },
      );
    }
    return names as Channel[];
  }

  function handleRequest(connection: Connection, message: RequestMessage): void {
    if (connection.pending.size >= options.maxPendingRequests) {
      throw new SidecarError(
        'RATE_LIMITED',
        `too many requests in flight (at most ${options.maxPendingRequests} per connection)`,
      );
    }
    const controller = new AbortController();
    connection.pending.add(controller);
    methods
      .call(message.method, message.params, {
        clientId: connection.info.id,
        signal: controller.signal,
      })
      .then(
        (result) => send(connection, { type: 'response', id: message.id, result: result ?? null }),
        (error: unknown) => {
          if (!(error instanceof SidecarError)) log.error(`${message.method} failed`, error);
          sendError(connection, message.id, toErrorBody(error));
        },
      )
      .finally(() => connection.pending.delete(controller));
  }

  function handlePublish(connection: Connection, message: PublishMessage): void {
    const result = publisher.publish(message);
    if (message.id !== undefined) send(connection, { type: 'response', id: message.id, result });
  }

  function handleMessage(connection: Connection, data: RawData, isBinary: boolean): void {
    // Frames that were already queued when the connection began closing are not answered.
    if (connection.closing) return;
    connection.info.messagesReceived++;
    connection.info.lastActivity = Date.now();
    totals.messagesReceived++;
    const text = isBinary ? '' : data.toString();
    if (!connection.bucket.take()) {
      rateLimited(connection, text);
      return;
    }
    if (isBinary) {
      sendError(connection, undefined, {
        code: 'INVALID_MESSAGE',
        message: 'binary frames are not accepted: send one JSON object per text frame',
      });
      return;
    }
    let message: ClientMessage | undefined;
    try {
      message = parseClientMessage(text);
      dispatch(connection, message);
    } catch (error) {
      const id = message?.id ?? idOfFrame(text);
      sendError(connection, id, toErrorBody(error));
    }
  }

  function dispatch(connection: Connection, message: ClientMessage): void {
    switch (message.type) {
      case 'subscribe':
        handleSubscribe(connection, message);
        return;
      case 'unsubscribe':
        handleUnsubscribe(connection, message);
        return;
      case 'request':
        handleRequest(connection, message);
        return;
      case 'publish':
        handlePublish(connection, message);
        return;
      case 'ping': {
        const timestamp = Date.now();
        send(connection, { type: 'pong', timestamp, ...(message.id ? { id: message.id } : {}) });
        if (message.id !== undefined)
          send(connection, { type: 'response', id: message.id, result: { timestamp } });
        return;
      }
      case 'pong':
        connection.alive = true;
        // Every message that carries an id is answered, this one too.
        if (message.id !== undefined)
          send(connection, { type: 'response', id: message.id, result: {} });
        return;
    }
  }

  function rateLimited(connection: Connection, text: string): void {
    connection.info.rateLimited++;
    totals.rateLimited++;
    if (connection.flood.recordRejection()) {
      totals.floodCloses++;
      log.warn(`closing ${connection.info.id}: sustained flooding past the rate limit`);
      closeConnection(connection, CLOSE_CODES.POLICY_VIOLATION, 'rate limit exceeded');
      return;
    }
    const error: ErrorBody = {
      code: 'RATE_LIMITED' satisfies ErrorCode,
      message: `rate limit of ${options.rateLimit} messages/s exceeded; message dropped`,
    };
    const id = idOfFrame(text);
    if (id !== undefined) {
      sendError(connection, id, error);
      return;
    }
    // A message without an id gets one notice a second, not one per dropped message.
    const now = Date.now();
    if (now - connection.lastRateLimitNotice >= RATE_LIMIT_NOTICE_INTERVAL_MS) {
      connection.lastRateLimitNotice = now;
      sendError(connection, undefined, error);
    }
  }

  function accept(socket: WebSocket, transport: Duplex, request: IncomingMessage): void {
    if (shuttingDown) {
      socket.close(CLOSE_CODES.GOING_AWAY, 'server shutting down');
      return;
    }
    const now = Date.now();
    const connection: Connection = {
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
      socket,
      transport,
      bucket: createTokenBucket(options.rateLimit, options.rateBurst),
      // "Sustained flooding": twice a full burst dropped within ten seconds.
      flood: createFloodDetector(Math.max(2 * options.rateBurst, 50), 10_000),
      alive: true,
      closing: false,
      pending: new Set(),
      lastRateLimitNotice: 0,
      waitingSubscribes: undefined,
      flow: createFlow(),
    };
    connections.add(connection);
    totals.connectionsTotal++;
    log.debug(`client ${connection.info.id} connected from ${connection.info.remoteAddress}`);

    socket.on('message', (data, isBinary) => handleMessage(connection, data, isBinary));
    socket.on('pong', () => {
      connection.alive = true;
    });
    socket.on('error', (error) => {
      // ws closes by itself (1009 oversized frame, 1007 invalid UTF-8, 1002 malformed frame);
      // it only needs logging here.
      log.debug(`client ${connection.info.id}: ${error.message}`);
    });
    socket.on('close', () => {
      connections.delete(connection);
      connection.closing = true;
      subscribers.removeAll(connection);
      replays.forget(connection);
      for (const controller of connection.pending) controller.abort();
      log.debug(`client ${connection.info.id} disconnected`);
      deps.onClientCountChange?.({
        clientId: connection.info.id,
        clients: connections.size,
        connected: false,
      });
    });

    const welcome: WelcomeMessage = {
      type: 'welcome',
      clientId: connection.info.id,
      protocol: PROTOCOL_VERSION,
      epoch: broadcaster.epoch,
      server: deps.server,
      channels: [...BUILTIN_CHANNELS],
      methods: methods.names(),
      heartbeatMs: options.heartbeatMs,
      timestamp: now,
    };
    send(connection, welcome);
    deps.onClientCountChange?.({
      clientId: connection.info.id,
      clients: connections.size,
      connected: true,
    });
  }

  return {
    handleUpgrade(request, socket, head) {
      wss.handleUpgrade(request, socket, head, (ws) => accept(ws, socket, request));
    },
    clientCount: () => connections.size,
    connections: () =>
      [...connections].map((c) => ({
        ...c.info,
        subscriptions: [...subscribers.channelsOf(c), ...replays.replaying(c)],
        queuedBytes: outbound.queuedBytes(c),
        peakQueuedBytes: c.flow.peak,
      })),
    stats: () => ({ ...totals, connections: connections.size }),
    async close(reason) {
      if (shuttingDown) return;
      shuttingDown = true;
      clearInterval(heartbeat);
      broadcaster.emit('system', 'shutdown', { reason });
      stopBroadcasts();
      const closed = [...connections].map(
        (connection) =>
          new Promise<void>((resolve) => {
            if (connection.socket.readyState === WebSocket.CLOSED) return resolve();
            connection.socket.once('close', () => resolve());
            closeConnection(connection, CLOSE_CODES.GOING_AWAY, 'server shutting down');
          }),
      );
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(closed),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, CLOSE_GRACE_MS);
        }),
      ]);
      clearTimeout(timer);
      for (const connection of connections) connection.socket.terminate();
      wss.close();
    },
  };
}

/** Resolves once `promise` has settled, or after `ms`, whichever is first. */
function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    // Nothing waits for this but a subscribe: it must not keep a stopping process alive.
    timer.unref();
    promise.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        resolve();
      },
    );
  });
}
