/**
 * The client library's public types: options, connection states, listener maps and the
 * `SidecarClient` interface that `connect()` returns.
 */
import type {
  Channel,
  EventMessage,
  EventName,
  MethodName,
  MethodParams,
  MethodResult,
  PublishResult,
  SnapshotMessage,
  WelcomeMessage,
} from '../protocol/index.js';
import type { BackoffOptions } from './backoff.js';
import type { SidecarClientError } from './errors.js';
import type { LiveChannel, LiveState, LiveStore } from './live/types.js';

/**
 * The part of a WebSocket the client uses. Both the browser's `WebSocket` and the `ws`
 * package's satisfy it.
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(
    type: 'open' | 'message' | 'close' | 'error',
    // biome-ignore lint/suspicious/noExplicitAny: the DOM's and ws's event types differ; the transport checks the fields it reads
    listener: (event: any) => void,
  ): void;
}

/**
 * A WebSocket class: the browser's, the `ws` package's, or a subclass of either (e.g. one that
 * records its instances in a test). A class whose prototype has an EventEmitter `on` method
 * is treated as `ws`: it gets the token as an `Authorization` header and its
 * `unexpected-response` event reveals a refused handshake.
 */
export type WebSocketConstructor = new (url: string, ...rest: never[]) => WebSocketLike;

/** The connection's life cycle. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Reported to `state` listeners on every change. */
export interface StateChange {
  state: ConnectionState;
  /**
   * For `connecting` and `reconnecting` after a failure: which retry this is (1, 2, …); it
   * starts again from 1 after a successful connection.
   */
  attempt?: number;
  /** For a scheduled retry: how long the client waits before it, in milliseconds. */
  delayMs?: number;
  /**
   * Why the connection dropped or why the client stopped: e.g. `UNAUTHORIZED` when the
   * server refused the token, `CONNECTION_CLOSED` with the close code in `details`.
   */
  error?: SidecarClientError;
}

/** Reported to `gap` listeners when events of a channel may have been missed. */
export interface GapInfo {
  channel: Channel;
  /**
   * `history`: the server no longer held every missed event (its ring buffer moved on);
   * `epoch`: the server restarted, so positions from before the restart mean nothing.
   * State channels get a fresh `snapshot` in both cases.
   */
  reason: 'history' | 'epoch';
  /** The epoch the client is now in. */
  epoch: string;
  /** The last `seq` the client had delivered on the channel, when it knew one. */
  lastSeq?: number;
}

/** Every message a channel handler can receive on channel `C`. */
export type ChannelMessage<C extends Channel = Channel> =
  | { [E in EventName<C>]: EventMessage<C, E> }[EventName<C>]
  | SnapshotMessage<C>;

/** Receives a channel's `event` and `snapshot` messages, each exactly once, in `seq` order. */
export type ChannelHandler<C extends Channel = Channel> = (message: ChannelMessage<C>) => void;

/** One handler per channel, typed per channel. */
export type ChannelHandlers = { [C in Channel]?: ChannelHandler<C> };

/** What each client event name carries. */
export interface ClientEventMap {
  state: StateChange;
  welcome: WelcomeMessage;
  gap: GapInfo;
  /** A server `error` message not tied to a request, or a message the client could not read. */
  error: SidecarClientError;
}
export type ClientEventName = keyof ClientEventMap;

/** Per-request options. */
export interface RequestOptions {
  /** Reject with `TIMEOUT` after this long, queued time included. Default: `requestTimeoutMs`. */
  timeoutMs?: number;
  /**
   * Abort the wait; the promise rejects with the signal's reason. A request already sent is
   * cancelled on the server too (a `cancel` message), which stops its handler or provider.
   */
  signal?: AbortSignal;
}

/** `[params?, options?]`, with params required for methods whose params are required. */
export type RequestArgs<M extends string> =
  undefined extends MethodParams<M>
    ? [params?: MethodParams<M>, options?: RequestOptions]
    : [params: MethodParams<M>, options?: RequestOptions];

/** What a provided method's handler gets besides the params. */
export interface ProvideContext {
  /** Aborted when the requester cancels, the request times out, or the connection drops. */
  signal: AbortSignal;
  /** The client whose request this is. */
  from: { clientId: string };
}

/**
 * Answers a routed request. Its return value is the result; a thrown `{code, message}` with a
 * protocol error code goes back as that error, anything else as `HANDLER_ERROR`.
 */
export type ProvideHandler = (params: unknown, context: ProvideContext) => unknown;

export interface ProvideOptions {
  /**
   * When another client provides the method: wait until it lets it go (`provider.removed` on
   * `system`) and provide it then, instead of rejecting with `FORBIDDEN`.
   */
  waitIfTaken?: boolean;
}

/** A method this client provides. */
export interface Provision {
  readonly method: string;
  /** Stops providing it (the server frees the method for other clients). */
  dispose(): Promise<void>;
}

/** Options of `connect()`. */
export interface ConnectOptions {
  /** The WebSocket endpoint, e.g. `ws://127.0.0.1:3001/ws`. */
  url: string;
  /**
   * The server's token. Sent as `Authorization: Bearer <token>` with `ws` (Node), and as the
   * `?token=` query parameter with a browser WebSocket, which cannot set headers.
   */
  token?: string;
  /**
   * Handlers to subscribe right away, by channel, e.g. `{ files: (m) => …, git: (m) => … }`;
   * the same as calling `subscribe()` for each before the first connection.
   */
  channels?: ChannelHandlers;
  /** Reconnect with exponential backoff (the default), or `false` to stop on the first drop. */
  reconnect?: Partial<BackoffOptions> | false;
  /** Default timeout of `request()`, `publish()` and `ping()`, in milliseconds. Default 30 000. */
  requestTimeoutMs?: number;
  /**
   * How many requests, publishes and pings may wait for a connection. Beyond it they reject at
   * once with `CONNECTION_CLOSED`. Default 1000.
   */
  maxQueue?: number;
  /** The WebSocket class to use. Default: `globalThis.WebSocket`, else the `ws` package. */
  WebSocket?: WebSocketConstructor;
}

/** A connection to a sidecar server that reconnects and resumes by itself. */
export interface SidecarClient {
  /** The current connection state. */
  readonly state: ConnectionState;
  /** This connection's id, from the latest `welcome`; `null` before the first. */
  readonly clientId: string | null;
  /** The server's epoch, from the latest `welcome`; `null` before the first. */
  readonly epoch: string | null;
  /** Resolves with the first `welcome`; rejects if the client closes before one arrives. */
  ready(): Promise<WelcomeMessage>;
  /**
   * Calls `handler` with every `event` and `snapshot` of `channel`, exactly once each and in
   * `seq` order, across reconnects. Handlers of one channel share one server subscription.
   * Throws `UNKNOWN_CHANNEL` at once for a name that is not a channel.
   * @returns a function that removes the handler (the last one unsubscribes on the server).
   */
  subscribe<C extends Channel>(channel: C, handler: ChannelHandler<C>): () => void;
  /**
   * Calls `listener` with `channel`'s live state (`diagnostics`, `git`, `validation`, `files`,
   * `ai-response`): at once with the current value, then after every change. Each value is
   * immutable. The channel stays subscribed until the returned function is called.
   */
  watch<C extends LiveChannel>(channel: C, listener: (state: LiveState<C>) => void): () => void;
  /**
   * `channel`'s live state as an external store: `get()` (the same object until it changes)
   * and `subscribe(onChange)`, the shape of React's `useSyncExternalStore`.
   */
  live<C extends LiveChannel>(channel: C): LiveStore<C>;
  /** Calls a server method and resolves with its result. */
  request<M extends MethodName | (string & {})>(
    method: M,
    ...args: RequestArgs<M>
  ): Promise<MethodResult<M>>;
  /** Publishes an event on `ai-response` or a `custom:` channel; resolves with its `seq`. */
  publish(
    channel: Channel,
    event: string,
    data?: unknown,
    options?: RequestOptions,
  ): Promise<PublishResult>;
  /**
   * Answers requests for `method` (`editor.<name>` or `custom.<name>`) sent by other clients.
   * Resolves once the server accepted it (again after every reconnect); rejects with
   * `FORBIDDEN` when another client provides it (unless `waitIfTaken`), `INVALID_PARAMS` for a
   * name that cannot be provided.
   */
  provide(method: string, handler: ProvideHandler, options?: ProvideOptions): Promise<Provision>;
  /** Measures the round trip of an app-level `ping`, in milliseconds. */
  ping(options?: RequestOptions): Promise<number>;
  /** Adds a listener; returns a function that removes it. */
  on<K extends ClientEventName>(event: K, listener: (value: ClientEventMap[K]) => void): () => void;
  /** Removes a listener added with `on`. */
  off<K extends ClientEventName>(event: K, listener: (value: ClientEventMap[K]) => void): void;
  /**
   * Closes the connection with code 1000 and for good: no reconnect, waiting requests reject
   * with `CONNECTION_CLOSED`. Resolves once the socket is closed.
   */
  close(): Promise<void>;
}
