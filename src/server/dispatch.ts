import { SidecarError, toErrorBody } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import {
  BUILTIN_CHANNELS,
  type Channel,
  type ClientMessage,
  type ErrorBody,
  isChannel,
  isProvidableMethod,
  isStateChannel,
  type ProvideResult,
  type PublishMessage,
  type RequestMessage,
  type ServerMessage,
  type SubscribeMessage,
  type UnsubscribeMessage,
  type UnsubscribeResult,
} from '../protocol/index.js';
import type { EventBroadcaster } from './broadcaster.js';
import type { Connection } from './connection.js';
import type { EditorBridge } from './editor-bridge.js';
import { channelsOf } from './messages.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, type MethodRegistry } from './method-registry.js';
import type { ProviderRouter } from './provider-router.js';
import type { Publisher } from './publisher.js';
import type { ReplayPacer } from './replay-pacer.js';
import type { SubscriberIndex } from './subscriber-index.js';

export interface DispatchDeps {
  broadcaster: EventBroadcaster;
  methods: MethodRegistry;
  publisher: Publisher;
  providers: ProviderRouter<Connection>;
  editor: EditorBridge<Connection>;
  log: Logger;
  subscribers: SubscriberIndex<Connection>;
  replays: ReplayPacer<Connection>;
  send(connection: Connection, message: ServerMessage): void;
  sendError(connection: Connection, id: string | undefined, error: ErrorBody): void;
  options: {
    /** Requests a connection may have running at once. */
    maxPendingRequests: number;
    /** Longest a subscribe waits for a starting source; the request timeout by default. */
    startWaitMs?: number;
  };
}

/** Answers one parsed client message; throws a SidecarError the caller sends back. */
export type Dispatch = (connection: Connection, message: ClientMessage) => void;

/** Channels one connection may follow at once; bounds the subscriber map per connection. */
const MAX_SUBSCRIPTIONS_PER_CONNECTION = 256;

/** The handlers of the client's messages: subscribe, unsubscribe, request, publish, ping, pong. */
export function createDispatch(deps: DispatchDeps): Dispatch {
  const {
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
  } = deps;

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

  function handleRequest(connection: Connection, message: RequestMessage): void {
    if (connection.pending.size >= options.maxPendingRequests) {
      throw new SidecarError(
        'RATE_LIMITED',
        `too many requests in flight (at most ${options.maxPendingRequests} per connection)`,
      );
    }
    // Aborted when the connection goes (see the manager's close handler) or the client cancels
    // the request, so the handler (or the provider) can stop work nobody will read.
    const controller = new AbortController();
    connection.pending.add(controller);
    connection.requests.set(message.id, controller);
    const caller = {
      clientId: connection.info.id,
      signal: controller.signal,
      origin: connection.info.origin,
      host: connection.host,
    };
    // A cancel answers at once, even when a built-in handler does not stop on its signal.
    const cancelled = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), {
        once: true,
      });
    });
    Promise.race([callMethod(message.method, message.params, caller), cancelled])
      .then(
        (result) => send(connection, { type: 'response', id: message.id, result: result ?? null }),
        (error: unknown) => {
          if (connection.closing) return;
          if (!(error instanceof SidecarError)) log.error(`${message.method} failed`, error);
          sendError(connection, message.id, toErrorBody(error));
        },
      )
      .finally(() => {
        connection.pending.delete(controller);
        if (connection.requests.get(message.id) === controller)
          connection.requests.delete(message.id);
      });
  }

  /**
   * The server's own methods first (`editor.open` routes to its provider itself), then the
   * methods clients provide; a provider's namespace with nobody in it is UNAVAILABLE.
   */
  function callMethod(
    method: string,
    params: unknown,
    caller: { clientId: string; signal: AbortSignal },
  ): Promise<unknown> {
    if (methods.has(method)) return methods.call(method, params, caller);
    if (providers.has(method)) return providers.route(method, params, caller);
    if (isProvidableMethod(method)) {
      return Promise.reject(
        new SidecarError('UNAVAILABLE', `no client provides "${method}"`, { method }),
      );
    }
    return methods.call(method, params, caller);
  }

  function handleCancel(connection: Connection, id: string): void {
    // An unknown id is ignored: the request may have been answered while the cancel travelled.
    connection.requests
      .get(id)
      ?.abort(new SidecarError('CANCELLED', `request "${id}" was cancelled by its client`, { id }));
  }

  function answerProvide(connection: Connection, id: string | undefined, methodsNow: string[]) {
    if (id === undefined) return;
    const result: ProvideResult = { methods: methodsNow };
    send(connection, { type: 'response', id, result });
  }

  function handlePublish(connection: Connection, message: PublishMessage): void {
    const result = editor.handles(message.channel)
      ? editor.publish(connection, message)
      : publisher.publish(message);
    if (message.id !== undefined) send(connection, { type: 'response', id: message.id, result });
  }

  return (connection, message) => {
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
      case 'provide':
        answerProvide(connection, message.id, providers.provide(connection, message.methods));
        return;
      case 'unprovide':
        answerProvide(connection, message.id, providers.unprovide(connection, message.methods));
        return;
      case 'response':
        providers.answer(connection, message);
        return;
      case 'cancel':
        handleCancel(connection, message.id);
        return;
      case 'pong':
        connection.alive = true;
        // Every message that carries an id is answered, this one too.
        if (message.id !== undefined)
          send(connection, { type: 'response', id: message.id, result: {} });
        return;
    }
  };
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
