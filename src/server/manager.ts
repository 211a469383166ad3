import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { toErrorBody } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import {
  BUILTIN_CHANNELS,
  CLOSE_CODES,
  type ClientMessage,
  type ErrorBody,
  PROTOCOL_VERSION,
  type ProviderInfo,
  type ServerMessage,
  type WelcomeMessage,
} from '../protocol/index.js';
import type { EventBroadcaster } from './broadcaster.js';
import {
  type Connection,
  type ConnectionInfo,
  createConnection,
  createRateGate,
  startHeartbeat,
} from './connection.js';
import { createDispatch } from './dispatch.js';
import { createEditorBridge } from './editor-bridge.js';
import { idOfFrame, parseClientMessage } from './messages.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, type MethodRegistry } from './method-registry.js';
import { createOutbound } from './outbound.js';
import { createProviderRouter, type RouteCaller } from './provider-router.js';
import type { Publisher } from './publisher.js';
import { createReplayPacer } from './replay-pacer.js';
import { createSubscriberIndex } from './subscriber-index.js';

export type { ConnectionInfo } from './connection.js';

/*
 * The WebSocket manager: the set of connections and their subscriptions, the broadcast to
 * them, the counters, and shutdown. A connection's own state, heartbeat and limits are in
 * connection.ts; the answers to what it sends are in dispatch.ts.
 */

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
  /** How long a request routed to a providing client may take. */
  requestTimeoutMs?: number;
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
  /** Methods provided by clients: who provides what, and routing a request to its provider. */
  providers: {
    list(): ProviderInfo[];
    has(method: string): boolean;
    route(method: string, params: unknown, caller: RouteCaller): Promise<unknown>;
  };
  /** Tells every client why, closes them with 1001, and waits (briefly) for them to go. */
  close(reason: string): Promise<void>;
}

export interface ManagerDeps {
  broadcaster: EventBroadcaster;
  methods: MethodRegistry;
  publisher: Publisher;
  log: Logger;
  server: { name: string; version: string };
  /** The workspace root: what editors publish is confined to it. */
  root: string;
  options: ManagerOptions;
  /** Called after a client connects or disconnects, e.g. to publish `system` events. */
  onClientCountChange?: (change: { clientId: string; clients: number; connected: boolean }) => void;
}

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

  const stopHeartbeat = startHeartbeat(connections, options.heartbeatMs, (connection) => {
    log.debug(`terminating ${connection.info.id}: no pong since the last heartbeat`);
    totals.deadPeersTerminated++;
    connection.socket.terminate();
  });

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

  const providers = createProviderRouter<Connection>({
    send,
    timeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    isBuiltinMethod: (name) => methods.has(name),
    onProviderChange: ({ method, clientId, added }) => {
      if (shuttingDown) return;
      broadcaster.emit('system', added ? 'provider.added' : 'provider.removed', {
        method,
        clientId,
      });
    },
  });

  const editor = createEditorBridge<Connection>({
    root: deps.root,
    broadcaster,
    publisher,
    providers,
  });

  const dispatch = createDispatch({
    broadcaster,
    methods,
    publisher,
    providers,
    editor,
    log,
    subscribers,
    replays,
    send,
    sendError,
    options,
  });

  const admit = createRateGate({
    rateLimit: options.rateLimit,
    sendError,
    onDropped: () => {
      totals.rateLimited++;
    },
    onFlood(connection) {
      totals.floodCloses++;
      log.warn(`closing ${connection.info.id}: sustained flooding past the rate limit`);
      closeConnection(connection, CLOSE_CODES.POLICY_VIOLATION, 'rate limit exceeded');
    },
  });

  function handleMessage(connection: Connection, data: RawData, isBinary: boolean): void {
    // Frames that were already queued when the connection began closing are not answered.
    if (connection.closing) return;
    connection.info.messagesReceived++;
    connection.info.lastActivity = Date.now();
    totals.messagesReceived++;
    const text = isBinary ? '' : data.toString();
    if (!admit(connection, text)) return;
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

  function accept(socket: WebSocket, transport: Duplex, request: IncomingMessage): void {
    if (shuttingDown) {
      socket.close(CLOSE_CODES.GOING_AWAY, 'server shutting down');
      return;
    }
    const connection = createConnection(socket, transport, request, options);
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
      providers.connectionGone(connection);
      if (!shuttingDown) editor.connectionGone(connection);
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
      timestamp: connection.info.connectedAt,
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
    providers: {
      list: () => providers.list(),
      has: (method) => providers.has(method),
      route: (method, params, caller) => providers.route(method, params, caller),
    },
    async close(reason) {
      if (shuttingDown) return;
      shuttingDown = true;
      stopHeartbeat();
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
