import WebSocket from 'ws';
import { connect, type SidecarClient, SidecarClientError } from '../client/index.js';
import { type Channel, isStateChannel, type ServerMessage } from '../protocol/index.js';
import type {
  CallOptions,
  CatchUp,
  ChannelEvent,
  ChannelPoint,
  SidecarBackend,
} from './backend.js';

export interface ClientBackendOptions {
  /** `ws://host:port/ws`. */
  wsUrl: string;
  token: string | null;
  /** The workspace root the sidecar serves. */
  root: string;
}

export interface ClientBackend extends SidecarBackend {
  readonly client: SidecarClient;
  close(): Promise<void>;
}

/** How long a catch-up connection may take before it is given up. */
const CATCH_UP_TIMEOUT_MS = 15_000;

/** The tools' view of a running sidecar, over the client library's reconnecting WebSocket. */
export function createClientBackend(options: ClientBackendOptions): ClientBackend {
  const token = options.token ?? undefined;
  const client = connect({ url: options.wsUrl, token });
  // One server subscription per channel, kept for the backend's life; listeners fan out here.
  const followed = new Map<
    Channel,
    { listeners: Set<(e: ChannelEvent) => void>; ready: Promise<void> }
  >();

  function followChannel(channel: Channel) {
    let entry = followed.get(channel);
    if (entry) return entry;
    const listeners = new Set<(e: ChannelEvent) => void>();
    let markReady!: () => void;
    const ready = new Promise<void>((resolve) => {
      markReady = resolve;
    });
    client.subscribe(channel, (message) => {
      // A state channel's subscription takes effect with its snapshot, sent in the same tick.
      if (message.type === 'snapshot') {
        markReady();
        return;
      }
      for (const listener of listeners) listener(message);
    });
    if (!isStateChannel(channel)) {
      // The server handles a connection's messages in order (and replays what a stream channel
      // sent while a subscribe waited): once a later request is answered, the subscribe took effect.
      client.request('server.info').then(markReady, markReady);
    }
    entry = { listeners, ready };
    followed.set(channel, entry);
    return entry;
  }

  return {
    root: options.root,
    client,
    call: ((method: string, params: unknown, options?: CallOptions) =>
      client.request(method, params as never, options)) as SidecarBackend['call'],
    async follow(channel, listener) {
      const entry = followChannel(channel);
      entry.listeners.add(listener);
      await entry.ready;
      return () => entry.listeners.delete(listener);
    },
    catchUp: (channel, since) => catchUpOnce(options.wsUrl, token, channel, since),
    info: () => client.request('server.info'),
    close: () => client.close(),
  };
}

/**
 * Asks the sidecar what a subscriber resuming from `since` would get, on a connection of its
 * own: the snapshot and replayed events arrive before the subscribe's answer, then it closes.
 */
function catchUpOnce(
  wsUrl: string,
  token: string | undefined,
  channel: Channel,
  since: ChannelPoint | undefined,
): Promise<CatchUp> {
  return new Promise<CatchUp>((resolve, reject) => {
    const socket = new WebSocket(
      wsUrl,
      token ? { headers: { authorization: `Bearer ${token}` } } : {},
    );
    const events: ChannelEvent[] = [];
    let epoch = '';
    let snapshot: unknown;
    let hasSnapshot = false;
    const finish = (error?: Error, result?: CatchUp) => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.close();
      if (error) reject(error);
      else resolve(result!);
    };
    const timer = setTimeout(
      () => finish(new SidecarClientError('TIMEOUT', 'the sidecar did not answer a catch-up')),
      CATCH_UP_TIMEOUT_MS,
    );
    socket.on('unexpected-response', (_request, response) =>
      finish(
        new SidecarClientError(
          response.statusCode === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN',
          `the sidecar refused the connection (${response.statusCode})`,
        ),
      ),
    );
    socket.on('error', (error) =>
      finish(
        new SidecarClientError('CONNECTION_CLOSED', `cannot reach the sidecar: ${error.message}`),
      ),
    );
    socket.on('close', () =>
      finish(new SidecarClientError('CONNECTION_CLOSED', 'the sidecar closed the connection')),
    );
    socket.on('message', (raw) => {
      const message = JSON.parse(raw.toString()) as ServerMessage;
      if (message.type === 'welcome') {
        epoch = message.epoch;
        socket.send(
          JSON.stringify({
            type: 'subscribe',
            id: 'catch-up',
            channels: [channel],
            ...(since ? { since: { epoch: since.epoch, seq: { [channel]: since.seq } } } : {}),
          }),
        );
      } else if (message.type === 'snapshot' && message.channel === channel) {
        snapshot = message.data;
        hasSnapshot = true;
      } else if (message.type === 'event' && message.channel === channel) {
        events.push({ event: message.event, data: message.data, seq: message.seq });
      } else if (message.type === 'response' && message.id === 'catch-up') {
        if (message.error) {
          finish(SidecarClientError.fromBody(message.error));
          return;
        }
        const result = message.result as { gaps: string[]; seq: Record<string, number> };
        // Events sent after the subscription took effect are live ones, not part of the catch-up.
        const latestSeq = result.seq[channel] ?? 0;
        const caughtUp: CatchUp = {
          epoch,
          latestSeq,
          gap: result.gaps.includes(channel),
          events: events.filter((event) => event.seq <= latestSeq),
        };
        if (hasSnapshot) caughtUp.snapshot = snapshot;
        finish(undefined, caughtUp);
      }
    });
  });
}
