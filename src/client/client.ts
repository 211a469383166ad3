/**
 * The sidecar client: one WebSocket to the server that reconnects with backoff when it drops,
 * resubscribes from where it left off (`since`), delivers each event exactly once and in `seq`
 * order, and holds requests while it is away. Runs unchanged in browsers and in Node.
 *
 * The parts: `transport` (the socket, browser or `ws`), `resume` (subscribe/since/epoch),
 * `subscriptions` (handlers and positions), `outbox` (requests awaiting answers). This file
 * drives the connection's life cycle and routes messages between them.
 */
import {
  type Channel,
  type ClientMessage,
  isChannel,
  isStateChannel,
  type PublishResult,
  type RequestMessage,
  type ServerMessage,
  type SystemProviderData,
  type WelcomeMessage,
} from '../protocol/index.js';
import { backoffDelay } from './backoff.js';
import { createEmitter } from './emitter.js';
import { SidecarClientError } from './errors.js';
import { createLiveRegistry } from './live/registry.js';
import { isLiveChannel, LIVE_CHANNELS } from './live/types.js';
import { normalizeConnectOptions, positiveOr } from './options.js';
import { type AddOptions, createOutbox, type OutboxKind } from './outbox.js';
import { createProvidedMethods } from './provided-methods.js';
import { createResume } from './resume.js';
import { type AnyChannelHandler, createSubscriptionRegistry } from './subscriptions.js';
import {
  describeClose,
  openSocket,
  resolveWebSocket,
  type SocketClosed,
  type SocketHandle,
} from './transport.js';
import type {
  ChannelHandler,
  ClientEventMap,
  ConnectionState,
  ConnectOptions,
  RequestOptions,
  SidecarClient,
  StateChange,
  WebSocketConstructor,
} from './types.js';
import { errorFromBody, parseServerMessage } from './wire.js';

/** How long `close()` waits for the closing handshake before it stops waiting. */
const CLOSE_GRACE_MS = 2000;

const closedError = () => new SidecarClientError('CONNECTION_CLOSED', 'the client is closed');

/**
 * Connects to a sidecar server. Returns at once; the connection opens in the background
 * (await `client.ready()` for the first `welcome`), and calls made before it is open wait.
 *
 * @example
 * const client = connect({ url: 'ws://127.0.0.1:3001/ws', token });
 * client.subscribe('files', (m) => { if (m.type === 'event') console.log(m.event, m.data.file); });
 * const info = await client.request('server.info');
 */
export function connect(options: ConnectOptions): SidecarClient {
  const config = normalizeConnectOptions(options);
  const emitter = createEmitter<ClientEventMap>();
  const subscriptions = createSubscriptionRegistry();

  let state: ConnectionState = 'connecting';
  let clientId: string | null = null;
  let socket: SocketHandle | null = null;
  /** Bumped for every socket, so callbacks of an old one are ignored. */
  let generation = 0;
  /** The current socket got its `welcome`: subscribes may go out. */
  let welcomed = false;
  /** ...and its resubscribe was answered: requests may go out. */
  let synced = false;
  let everWelcomed = false;
  /** Failed attempts since the last welcome. */
  let attempt = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let closePromise: Promise<void> | undefined;
  let onSocketGone: (() => void) | undefined;
  let idCounter = 0;
  const nextId = (prefix: string) => `${prefix}${(++idCounter).toString(36)}`;

  let resolveReady!: (welcome: WelcomeMessage) => void;
  let rejectReady!: (error: unknown) => void;
  const readyPromise = new Promise<WelcomeMessage>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  // Nobody has to call ready(); a rejection nobody awaits must not count as unhandled.
  readyPromise.catch(() => {});

  function sendNow(message: ClientMessage): boolean {
    return socket?.send(JSON.stringify(message)) ?? false;
  }

  const outbox = createOutbox({
    maxQueue: config.maxQueue,
    canSend: () => synced,
    send: sendNow,
    onAbortSent: (entry) => {
      if (entry.kind === 'request') sendNow({ type: 'cancel', id: entry.id });
    },
  });
  const resume = createResume({
    subscriptions,
    send: sendNow,
    nextId: () => nextId('s'),
    onGap: (gap) => emitter.emit('gap', gap),
    onError: (error) => emitter.emit('error', error),
    timeoutMs: config.requestTimeoutMs,
  });

  function addHandler(channel: Channel, handler: AnyChannelHandler): void {
    // Before the welcome the channel is subscribed with all the others once it comes.
    if (subscriptions.add(channel, handler) && welcomed) resume.subscribe([channel]);
  }

  function removeHandler(channel: Channel, handler: AnyChannelHandler): void {
    if (subscriptions.remove(channel, handler) && welcomed) {
      sendNow({ type: 'unsubscribe', channels: [channel] });
    }
  }

  const live = createLiveRegistry({
    addHandler,
    removeHandler,
    request: (...args) => client.request(...args),
  });
  emitter.on('gap', (gap) => live.gap(gap));

  const provided = createProvidedMethods({
    call: (message) => enqueue('request', message, {}, `${message.type}`),
    nextId: () => nextId('m'),
    sendNow,
    onProviderRemoved(listener) {
      const handler: AnyChannelHandler = (message) => {
        if (message.type === 'event' && message.event === 'provider.removed')
          listener(message.data as SystemProviderData);
      };
      addHandler('system', handler);
      return () => removeHandler('system', handler);
    },
    onError: (error) => emitter.emit('error', error),
  });

  function setState(change: StateChange): void {
    state = change.state;
    emitter.emit('state', change);
  }

  // --- connection life cycle -----------------------------------------------------------------

  async function openConnection(): Promise<void> {
    const myGeneration = ++generation;
    let socketClass: WebSocketConstructor;
    try {
      socketClass = await resolveWebSocket(config.WebSocket);
    } catch (error) {
      stop(error as SidecarClientError);
      return;
    }
    if (stopped || myGeneration !== generation) return;
    try {
      socket = openSocket(socketClass, config.url, config.token, {
        onText: (text) => {
          if (myGeneration === generation) handleText(text);
        },
        onClose: (closed) => {
          if (myGeneration === generation) handleClose(closed);
        },
      });
    } catch (error) {
      stop(
        new SidecarClientError('CONNECTION_CLOSED', `cannot open ${config.url}`, undefined, error),
      );
    }
  }

  function handleClose(closed: SocketClosed): void {
    socket = null;
    welcomed = false;
    synced = false;
    resume.reset();
    provided.socketGone();
    if (stopped) {
      onSocketGone?.();
      return;
    }
    // Whatever the socket carried is unanswered: it goes out again after the reconnect...
    const unanswered = outbox.unsendAll();
    if (closed.code === 1009) {
      // ...except after "message too big", where sending it again would only repeat this.
      const error = new SidecarClientError(
        'PAYLOAD_TOO_LARGE',
        'the server closed the connection: message too large',
        {
          code: closed.code,
        },
      );
      for (const entry of unanswered) outbox.reject(entry.id, error);
    }
    const { error, final } = describeClose(closed);
    if (final || config.reconnect === false) {
      stop(error);
      return;
    }
    attempt++;
    const delayMs = backoffDelay(attempt, config.reconnect);
    setState({ state: everWelcomed ? 'reconnecting' : 'connecting', attempt, delayMs, error });
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      void openConnection();
    }, delayMs);
  }

  /** Ends the client for good: no reconnect, everything waiting is rejected. */
  function stop(error?: SidecarClientError): void {
    if (stopped) return;
    stopped = true;
    clearTimeout(reconnectTimer);
    resume.reset();
    outbox.rejectAll(
      error
        ? new SidecarClientError(
            'CONNECTION_CLOSED',
            `the client stopped: ${error.message}`,
            { code: error.code },
            error,
          )
        : closedError(),
    );
    if (!everWelcomed) rejectReady(error ?? closedError());
    setState(error ? { state: 'closed', error } : { state: 'closed' });
  }

  // --- inbound messages ----------------------------------------------------------------------

  function handleText(text: string): void {
    const message = parseServerMessage(text);
    if (message instanceof SidecarClientError) {
      emitter.emit('error', message);
      return;
    }
    handleMessage(message);
  }

  function handleMessage(message: ServerMessage): void {
    switch (message.type) {
      case 'welcome':
        handleWelcome(message);
        return;
      case 'event':
      case 'snapshot':
        subscriptions.deliver(message);
        return;
      case 'response':
        if (resume.handleResponse(message) || !outbox.get(message.id)) return;
        if (message.error) outbox.reject(message.id, errorFromBody(message.error));
        else outbox.resolve(message.id, message.result);
        return;
      case 'error':
        emitter.emit('error', errorFromBody(message));
        return;
      case 'request':
        provided.handleRequest(message);
        return;
      case 'cancel':
        provided.handleCancel(message);
        return;
      case 'ping':
        sendNow({ type: 'pong', timestamp: Date.now() });
        return;
      case 'pong': {
        // The sidecar echoes the ping's id; a pong without one answers the oldest ping.
        const byId = typeof message.id === 'string' ? outbox.get(message.id) : undefined;
        const entry = byId?.kind === 'ping' ? byId : outbox.oldestSentPing();
        if (entry) outbox.resolve(entry.id, performance.now() - entry.sentAt);
        return;
      }
      default:
      // A newer server's message type: ignore it.
    }
  }

  function handleWelcome(welcome: WelcomeMessage): void {
    if (welcomed) return;
    welcomed = true;
    attempt = 0;
    clientId = typeof welcome.clientId === 'string' ? welcome.clientId : null;
    const gaps = resume.adoptEpoch(welcome.epoch);
    if (!everWelcomed) {
      everWelcomed = true;
      resolveReady(welcome);
    }
    emitter.emit('welcome', welcome);
    for (const gap of gaps) emitter.emit('gap', gap);
    const myGeneration = generation;
    // Requests wait until every channel is subscribed again, so that their effects (an event
    // they publish, say) reach the handlers after the replay and never ahead of it.
    resume.resubscribeAll(() => {
      if (stopped || myGeneration !== generation || !welcomed) return;
      synced = true;
      setState({ state: 'open' });
      outbox.flush();
      provided.reprovideAll();
    });
  }

  // --- outbound messages ---------------------------------------------------------------------

  function enqueue(
    kind: OutboxKind,
    message: ClientMessage & { id: string },
    options: RequestOptions,
    description: string,
  ): Promise<unknown> {
    if (stopped) return Promise.reject(closedError());
    const add: AddOptions = {
      timeoutMs: positiveOr(options.timeoutMs, config.requestTimeoutMs),
      description,
    };
    if (options.signal) add.signal = options.signal;
    return outbox.add(kind, message, add);
  }

  // --- the public object ---------------------------------------------------------------------

  const client: SidecarClient = {
    get state() {
      return state;
    },
    get clientId() {
      return clientId;
    },
    get epoch() {
      return resume.epoch;
    },
    ready: () => readyPromise,

    subscribe<C extends Channel>(channel: C, handler: ChannelHandler<C>): () => void {
      if (typeof channel !== 'string' || !isChannel(channel)) {
        throw new SidecarClientError('UNKNOWN_CHANNEL', `unknown channel "${String(channel)}"`, {
          channel,
        });
      }
      if (typeof handler !== 'function')
        throw new TypeError('subscribe(): handler must be a function');
      if (stopped) throw closedError();
      const stored = handler as unknown as AnyChannelHandler;
      // A state channel's state is kept while subscribed, for a later watch() to start from.
      const release =
        isStateChannel(channel) && isLiveChannel(channel) ? live.hold(channel) : undefined;
      addHandler(channel, stored);
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        removeHandler(channel, stored);
        release?.();
      };
    },

    live(channel) {
      if (typeof channel !== 'string' || !isLiveChannel(channel)) {
        throw new SidecarClientError(
          'UNKNOWN_CHANNEL',
          `no live state for "${String(channel)}": one of ${LIVE_CHANNELS.join(', ')}`,
          { channel },
        );
      }
      return live.store(channel);
    },

    watch(channel, listener) {
      if (typeof listener !== 'function')
        throw new TypeError('watch(): listener must be a function');
      const store = client.live(channel);
      if (stopped) throw closedError();
      const stop = store.subscribe(() => listener(store.get()));
      listener(store.get());
      return stop;
    },

    request: ((method: string, params?: unknown, options: RequestOptions = {}) => {
      const message: RequestMessage = { type: 'request', id: nextId('r'), method };
      if (params !== undefined) message.params = params;
      return enqueue('request', message, options, `request "${method}"`);
    }) as SidecarClient['request'],

    publish(channel, event, data, options = {}) {
      const message = { type: 'publish' as const, id: nextId('p'), channel, event, data };
      return enqueue(
        'publish',
        message,
        options,
        `publish on "${channel}"`,
      ) as Promise<PublishResult>;
    },

    provide(method, handler, options = {}) {
      if (stopped) return Promise.reject(closedError());
      return provided.provide(method, handler, options);
    },

    ping(options = {}) {
      const message = { type: 'ping' as const, id: nextId('ping'), timestamp: Date.now() };
      return enqueue('ping', message, options, 'ping') as Promise<number>;
    },

    on: (event, listener) => emitter.on(event, listener),
    off: (event, listener) => emitter.off(event, listener),

    close() {
      if (closePromise) return closePromise;
      const closing = socket;
      stop();
      closePromise = new Promise<void>((resolve) => {
        if (!closing) return resolve();
        const grace = setTimeout(() => {
          // A peer that does not answer the close frame: `ws` can cut it, a browser cannot.
          (closing.raw as { terminate?: () => void }).terminate?.();
          resolve();
        }, CLOSE_GRACE_MS);
        onSocketGone = () => {
          clearTimeout(grace);
          resolve();
        };
        closing.close(1000, 'client closed');
      });
      return closePromise;
    },
  };

  for (const [channel, handler] of Object.entries(options.channels ?? {})) {
    if (handler) client.subscribe(channel as Channel, handler as ChannelHandler);
  }

  // Start on a microtask so that listeners added right after connect() see the first state.
  queueMicrotask(() => {
    if (stopped) return;
    setState({ state: 'connecting' });
    void openConnection();
  });
  return client;
}
