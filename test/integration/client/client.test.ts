/**
 * The client library against the real sidecar server: real `ws` sockets on a real port,
 * connections really dropped (terminated) and servers really restarted.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { createSidecar, type Sidecar } from '../../../src/app/sidecar.js';
import {
  type ChannelMessage,
  type ConnectOptions,
  connect,
  type GapInfo,
  type SidecarClient,
  SidecarClientError,
  type StateChange,
  type WebSocketConstructor,
} from '../../../src/client/index.js';
import { defineMethod, noParams } from '../../../src/core/methods.js';
import { waitFor } from '../../support/server.js';

const TOKEN = 'client-test-token-0123456789abcdef';
const FAST_RECONNECT = { initialDelayMs: 10, maxDelayMs: 100 };

let root: string;
const servers: Sidecar[] = [];
const clients: SidecarClient[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sidecar-client-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(servers.splice(0).map((server) => server.close('test done')));
});

async function startServer(
  options: { port?: number; history?: number; setup?: (sidecar: Sidecar) => void } = {},
): Promise<Sidecar> {
  const sidecar = createSidecar({
    root,
    port: options.port ?? 0,
    strictPort: options.port !== undefined,
    token: TOKEN,
    sources: [],
    history: options.history ?? 1000,
    logLevel: 'silent',
    discovery: false,
  });
  // A method that answers only when its caller goes away: for timeouts and pending requests.
  sidecar.methods.register(
    defineMethod({
      name: 'test.hang',
      params: noParams,
      handler: (_params, { signal }) =>
        new Promise((resolve) => signal.addEventListener('abort', () => resolve(null))),
    }),
  );
  options.setup?.(sidecar);
  await sidecar.listen();
  servers.push(sidecar);
  return sidecar;
}

/**
 * A `ws` class that records every socket the client opens, so a test can kill them, and every
 * message the server sent to them, so a test can see what happened on the wire.
 */
function recordingWebSocket(): {
  WebSocket: WebSocketConstructor;
  sockets: WebSocket[];
  received: Record<string, unknown>[];
} {
  const sockets: WebSocket[] = [];
  const received: Record<string, unknown>[] = [];
  class RecordingWebSocket extends WebSocket {
    constructor(url: string, options?: WebSocket.ClientOptions) {
      super(url, options);
      sockets.push(this);
      this.on('message', (data) => received.push(JSON.parse(String(data))));
    }
  }
  return { WebSocket: RecordingWebSocket as unknown as WebSocketConstructor, sockets, received };
}

function open(options: ConnectOptions): SidecarClient {
  const client = connect(options);
  clients.push(client);
  return client;
}

const until = (condition: () => boolean, what: string, timeoutMs = 10_000) =>
  waitFor(condition, { message: what, timeoutMs });

function nextState(client: SidecarClient, state: StateChange['state']): Promise<StateChange> {
  return new Promise((resolve) => {
    const off = client.on('state', (change) => {
      if (change.state !== state) return;
      off();
      resolve(change);
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('client against a real sidecar', { timeout: 20_000 }, () => {
  it('connects with the token and gets a welcome', async () => {
    const server = await startServer();
    const states: string[] = [];
    const client = open({ url: server.wsUrl, token: TOKEN });
    client.on('state', (change) => states.push(change.state));
    const welcome = await client.ready();
    expect(welcome.type).toBe('welcome');
    expect(welcome.epoch).toBe(server.epoch);
    expect(client.epoch).toBe(server.epoch);
    expect(client.clientId).toBe(welcome.clientId);
    await until(() => client.state === 'open', 'state open');
    expect(states).toEqual(['connecting', 'open']);
    expect(server.clientCount()).toBe(1);
  });

  it('stops without a reconnect loop when the token is wrong', async () => {
    const server = await startServer();
    const { WebSocket: Recording, sockets } = recordingWebSocket();
    const client = open({
      url: server.wsUrl,
      token: 'wrong-token-0123456789abcdef',
      WebSocket: Recording,
      reconnect: FAST_RECONNECT,
    });
    const closed = nextState(client, 'closed');
    await expect(client.ready()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    const change = await closed;
    expect(change.error).toBeInstanceOf(SidecarClientError);
    expect(change.error?.code).toBe('UNAUTHORIZED');
    expect(client.state).toBe('closed');
    // With retries every 10-100 ms, a loop would have opened more sockets by now.
    await sleep(300);
    expect(sockets).toHaveLength(1);
    await expect(client.request('server.info')).rejects.toMatchObject({
      code: 'CONNECTION_CLOSED',
    });
  });

  it('also stops when no token is given', async () => {
    const server = await startServer();
    const client = open({ url: server.wsUrl, reconnect: FAST_RECONNECT });
    await expect(client.ready()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('receives events of a subscribed channel, in order', async () => {
    const server = await startServer();
    const client = open({ url: server.wsUrl, token: TOKEN });
    const seen: ChannelMessage<'custom:t'>[] = [];
    client.subscribe('custom:t', (message) => seen.push(message));
    await until(() => client.state === 'open', 'state open');
    for (let n = 1; n <= 5; n++) server.broadcaster.emit('custom:t', 'tick', { n });
    await until(() => seen.length === 5, 'five events');
    expect(seen.map((m) => (m.type === 'event' ? [m.event, m.seq, m.data] : m.type))).toEqual([
      ['tick', 1, { n: 1 }],
      ['tick', 2, { n: 2 }],
      ['tick', 3, { n: 3 }],
      ['tick', 4, { n: 4 }],
      ['tick', 5, { n: 5 }],
    ]);
  });

  it('shares one server subscription between handlers and unsubscribes with the last', async () => {
    const server = await startServer();
    const client = open({ url: server.wsUrl, token: TOKEN });
    await until(() => client.state === 'open', 'state open');
    const a: number[] = [];
    const b: number[] = [];
    const offA = client.subscribe('custom:t', (m) => a.push(m.seq));
    const offB = client.subscribe('custom:t', (m) => b.push(m.seq));
    await until(
      () => server.connections()[0]?.subscriptions.includes('custom:t') === true,
      'subscribed',
    );
    expect(server.connections()[0]?.subscriptions).toEqual(['custom:t']);
    server.broadcaster.emit('custom:t', 'tick', { n: 1 });
    await until(() => a.length === 1 && b.length === 1, 'both handlers');
    offA();
    offA();
    server.broadcaster.emit('custom:t', 'tick', { n: 2 });
    await until(() => b.length === 2, 'second event');
    expect(a).toEqual([1]);
    expect(server.connections()[0]?.subscriptions).toEqual(['custom:t']);
    offB();
    await until(() => server.connections()[0]?.subscriptions.length === 0, 'unsubscribed');
  });

  it('refuses a name that is not a channel', async () => {
    const server = await startServer();
    const client = open({ url: server.wsUrl, token: TOKEN });
    expect(() => client.subscribe('nope' as 'files', () => {})).toThrow(SidecarClientError);
  });

  it('answers requests and rejects unknown methods with UNKNOWN_METHOD', async () => {
    const server = await startServer();
    const client = open({ url: server.wsUrl, token: TOKEN });
    const info = await client.request('server.info');
    expect(info.name).toBe('sidecar');
    expect(info.epoch).toBe(server.epoch);
    expect(info.methods).toContain('server.info');
    const error = await client.request('no.such.method').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SidecarClientError);
    expect((error as SidecarClientError).code).toBe('UNKNOWN_METHOD');
    expect((error as SidecarClientError).details).toMatchObject({ method: 'no.such.method' });
  });

  it('rejects a request that is not answered in time with TIMEOUT', async () => {
    const server = await startServer();
    const client = open({ url: server.wsUrl, token: TOKEN });
    await expect(client.request('test.hang', undefined, { timeoutMs: 100 })).rejects.toMatchObject({
      code: 'TIMEOUT',
    });
    // The connection is still fine afterwards.
    await expect(client.request('server.info')).resolves.toMatchObject({ name: 'sidecar' });
  });

  it('aborts a request with its signal', async () => {
    const server = await startServer();
    const client = open({ url: server.wsUrl, token: TOKEN });
    const controller = new AbortController();
    const pending = client.request('test.hang', undefined, { signal: controller.signal });
    controller.abort(new Error('not needed any more'));
    await expect(pending).rejects.toThrow('not needed any more');
  });

  it('publishes, pings and reports server errors', async () => {
    const server = await startServer();
    const client = open({ url: server.wsUrl, token: TOKEN });
    const seen: unknown[] = [];
    client.subscribe('custom:chat', (m) => seen.push(m.type === 'event' ? m.data : null));
    await expect(client.publish('custom:chat', 'said', { text: 'hi' })).resolves.toEqual({
      channel: 'custom:chat',
      seq: 1,
    });
    await until(() => seen.length === 1, 'the published event');
    expect(seen).toEqual([{ text: 'hi' }]);
    await expect(client.publish('git', 'status', {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const rtt = await client.ping();
    expect(rtt).toBeGreaterThanOrEqual(0);
  });

  it('answers server ping messages with pong', async () => {
    // The sidecar pings with WebSocket ping frames; the protocol also allows a `ping` message,
    // which a plain ws server sends here.
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => wss.once('listening', resolve));
    const pongs: unknown[] = [];
    wss.on('connection', (socket) => {
      socket.on('message', (data) => pongs.push(JSON.parse(String(data))));
      socket.send(JSON.stringify({ type: 'welcome', clientId: 'c1', epoch: 'e1', protocol: 1 }));
      socket.send(JSON.stringify({ type: 'ping', timestamp: Date.now() }));
    });
    try {
      const { port } = wss.address() as { port: number };
      const client = open({ url: `ws://127.0.0.1:${port}/ws` });
      await until(() => pongs.length > 0, 'a pong');
      expect(pongs[0]).toMatchObject({ type: 'pong' });
      await client.close();
    } finally {
      await new Promise((resolve) => wss.close(resolve));
    }
  });

  it('KEY: loses and duplicates nothing when the connection drops mid-stream', {
    timeout: 45_000,
  }, async () => {
    const TOTAL = 2000;
    const server = await startServer({ history: TOTAL });
    const { WebSocket: Recording, sockets, received } = recordingWebSocket();
    const client = open({
      url: server.wsUrl,
      token: TOKEN,
      WebSocket: Recording,
      reconnect: FAST_RECONNECT,
    });
    const seqs: number[] = [];
    const values: number[] = [];
    client.subscribe('custom:t', (m) => {
      seqs.push(m.seq);
      if (m.type === 'event') values.push((m.data as { n: number }).n);
    });
    await until(() => client.state === 'open', 'state open');

    // Drop the connection at random points: between bursts, with events in flight, and while a
    // reconnect is still in its handshake.
    const kills = new Set<number>();
    while (kills.size < 6) kills.add(1 + Math.floor(Math.random() * (TOTAL / 50 - 2)));
    let emitted = 0;
    for (let burst = 0; emitted < TOTAL; burst++) {
      const size = Math.min(50, TOTAL - emitted);
      for (let i = 0; i < size; i++) server.broadcaster.emit('custom:t', 'tick', { n: ++emitted });
      if (kills.has(burst)) sockets.at(-1)?.terminate();
      await sleep(Math.random() < 0.5 ? 0 : 3);
    }
    await until(() => seqs.length >= TOTAL, `${TOTAL} events`, 30_000);
    await sleep(50); // room for a duplicate to show up
    expect(sockets.length).toBeGreaterThan(1);
    // The resume path really ran: the server replayed what the dropped sockets missed.
    const replayed = received
      .map(
        (m) =>
          (m.result as { replayed?: Record<string, number> } | undefined)?.replayed?.['custom:t'],
      )
      .reduce<number>((sum, n) => sum + (n ?? 0), 0);
    expect(replayed).toBeGreaterThan(0);
    expect(seqs).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
    expect(values).toEqual(seqs);
  });

  it('records positions from the subscribe response and resumes a quiet channel from there', async () => {
    const server = await startServer();
    for (let n = 1; n <= 3; n++) server.broadcaster.emit('custom:q', 'tick', { n });
    const { WebSocket: Recording, sockets } = recordingWebSocket();
    const client = open({
      url: server.wsUrl,
      token: TOKEN,
      WebSocket: Recording,
      reconnect: FAST_RECONNECT,
    });
    const seqs: number[] = [];
    client.subscribe('custom:q', (m) => seqs.push(m.seq));
    await until(() => client.state === 'open', 'state open');
    sockets[0]!.terminate();
    await nextState(client, 'reconnecting');
    server.broadcaster.emit('custom:q', 'tick', { n: 4 });
    await until(() => seqs.length === 1, 'the event emitted while away');
    // Events from before the first subscribe are not replayed; the one missed while away is.
    expect(seqs).toEqual([4]);
  });

  it('sends publishes made while disconnected after the reconnect', async () => {
    const server = await startServer();
    const { WebSocket: Recording, sockets } = recordingWebSocket();
    const client = open({
      url: server.wsUrl,
      token: TOKEN,
      WebSocket: Recording,
      reconnect: { initialDelayMs: 200, maxDelayMs: 400 },
    });
    const watcher = open({ url: server.wsUrl, token: TOKEN });
    const seen: unknown[] = [];
    watcher.subscribe('custom:q', (m) => seen.push(m.type === 'event' ? m.data : null));
    await until(() => client.state === 'open' && watcher.state === 'open', 'both open');

    sockets[0]!.terminate();
    await nextState(client, 'reconnecting');
    expect(client.state).toBe('reconnecting');
    const first = client.publish('custom:q', 'queued', { n: 1 });
    const second = client.publish('custom:q', 'queued', { n: 2 });
    const info = client.request('server.info');
    await expect(first).resolves.toEqual({ channel: 'custom:q', seq: 1 });
    await expect(second).resolves.toEqual({ channel: 'custom:q', seq: 2 });
    await expect(info).resolves.toMatchObject({ name: 'sidecar' });
    await until(() => seen.length === 2, 'both published events');
    expect(seen).toEqual([{ n: 1 }, { n: 2 }]);
    expect(sockets).toHaveLength(2);
  });

  it('sends a request again when its socket dropped before the answer', async () => {
    const server = await startServer();
    let calls = 0;
    // The first call never answers (until its caller is gone); later ones answer at once.
    server.methods.register(
      defineMethod({
        name: 'test.first-hangs',
        params: noParams,
        handler: (_params, { signal }) =>
          ++calls === 1
            ? new Promise((resolve) => signal.addEventListener('abort', () => resolve('lost')))
            : { calls },
      }),
    );
    const { WebSocket: Recording, sockets } = recordingWebSocket();
    const client = open({
      url: server.wsUrl,
      token: TOKEN,
      WebSocket: Recording,
      reconnect: FAST_RECONNECT,
    });
    await until(() => client.state === 'open', 'state open');
    const pending = client.request('test.first-hangs');
    await until(() => calls === 1, 'the first call');
    sockets[0]!.terminate();
    await expect(pending).resolves.toEqual({ calls: 2 });
    expect(sockets).toHaveLength(2);
  });

  it('rejects beyond the queue bound with CONNECTION_CLOSED', async () => {
    // Nothing listens on this port (a server started and closed at once).
    const server = await startServer();
    const url = server.wsUrl;
    await server.close();
    const client = open({ url, token: TOKEN, maxQueue: 2, reconnect: { initialDelayMs: 1000 } });
    const a = client.publish('custom:x', 'e', 1);
    const b = client.publish('custom:x', 'e', 2);
    await expect(client.publish('custom:x', 'e', 3)).rejects.toMatchObject({
      code: 'CONNECTION_CLOSED',
    });
    const rejected = Promise.all([
      expect(a).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' }),
      expect(b).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' }),
    ]);
    await client.close();
    await rejected;
  });

  it('reconnects to a restarted server (new epoch, same port) and keeps working', async () => {
    const first = await startServer();
    const port = first.port;
    const client = open({ url: first.wsUrl, token: TOKEN, reconnect: FAST_RECONNECT });
    const seqs: number[] = [];
    const gaps: GapInfo[] = [];
    client.on('gap', (gap) => gaps.push(gap));
    client.subscribe('custom:t', (m) => seqs.push(m.seq));
    await until(() => client.state === 'open', 'state open');
    for (let n = 1; n <= 3; n++) first.broadcaster.emit('custom:t', 'tick', { n });
    await until(() => seqs.length === 3, 'three events');

    await first.close('restart');
    servers.splice(servers.indexOf(first), 1);
    const second = await startServer({ port });
    expect(second.epoch).not.toBe(first.epoch);
    // Emitted on the new server, perhaps before the client is back: resumed from 0, not lost.
    second.broadcaster.emit('custom:t', 'tick', { n: 1 });
    await until(() => client.epoch === second.epoch && client.state === 'open', 'the new epoch');
    second.broadcaster.emit('custom:t', 'tick', { n: 2 });
    await until(() => seqs.length === 5, 'two events of the new epoch');
    expect(seqs).toEqual([1, 2, 3, 1, 2]);
    expect(gaps).toEqual([
      { channel: 'custom:t', reason: 'epoch', epoch: second.epoch, lastSeq: 3 },
    ]);
    await expect(client.request('server.info')).resolves.toMatchObject({ epoch: second.epoch });
  });

  it('gets a snapshot of a state channel first, and a fresh one after a server restart', async () => {
    const first = await startServer({
      setup: (s) => s.broadcaster.setSnapshotProvider('git', () => ({ branch: 'main' })),
    });
    const client = open({ url: first.wsUrl, token: TOKEN, reconnect: FAST_RECONNECT });
    const seen: unknown[] = [];
    client.subscribe('git', (m) => seen.push([m.type, m.seq, m.data]));
    await until(() => seen.length === 1, 'the snapshot');
    first.broadcaster.emit('git', 'branch', { from: 'main', to: 'dev' });
    await until(() => seen.length === 2, 'the event');

    const port = first.port;
    await first.close('restart');
    servers.splice(servers.indexOf(first), 1);
    await startServer({
      port,
      setup: (s) => s.broadcaster.setSnapshotProvider('git', () => ({ branch: 'dev' })),
    });
    await until(() => seen.length === 3, 'the new snapshot');
    expect(seen).toEqual([
      ['snapshot', 0, { branch: 'main' }],
      ['event', 1, { from: 'main', to: 'dev' }],
      ['snapshot', 0, { branch: 'dev' }],
    ]);
  });

  it('reports a history gap when the server no longer holds the missed events', async () => {
    const server = await startServer({ history: 5 });
    const { WebSocket: Recording, sockets } = recordingWebSocket();
    const client = open({
      url: server.wsUrl,
      token: TOKEN,
      WebSocket: Recording,
      reconnect: { initialDelayMs: 100, maxDelayMs: 100 },
    });
    const seqs: number[] = [];
    const gaps: GapInfo[] = [];
    client.on('gap', (gap) => gaps.push(gap));
    client.subscribe('custom:t', (m) => seqs.push(m.seq));
    await until(() => client.state === 'open', 'state open');
    server.broadcaster.emit('custom:t', 'tick', { n: 1 });
    await until(() => seqs.length === 1, 'the first event');
    sockets[0]!.terminate();
    await nextState(client, 'reconnecting');
    for (let n = 2; n <= 20; n++) server.broadcaster.emit('custom:t', 'tick', { n });
    await until(() => gaps.length === 1, 'a gap');
    expect(gaps[0]).toEqual({
      channel: 'custom:t',
      reason: 'history',
      epoch: server.epoch,
      lastSeq: 1,
    });
    await until(() => seqs.at(-1) === 20, 'the latest event');
    // What the server still held arrives, in order, without duplicates.
    expect(seqs).toEqual([1, 16, 17, 18, 19, 20]);
  });

  it('reconnects after the server closes the connection with 1001', async () => {
    const server = await startServer();
    const client = open({ url: server.wsUrl, token: TOKEN, reconnect: FAST_RECONNECT });
    await until(() => client.state === 'open', 'state open');
    const port = server.port;
    const reconnecting = nextState(client, 'reconnecting');
    await server.close('bye');
    servers.splice(servers.indexOf(server), 1);
    const change = await reconnecting;
    expect(change.error?.details).toMatchObject({ code: 1001 });
    await startServer({ port });
    await until(() => client.state === 'open', 'open again');
  });

  it('close() rejects pending requests with CONNECTION_CLOSED and does not reconnect', async () => {
    const server = await startServer();
    const { WebSocket: Recording, sockets } = recordingWebSocket();
    const client = open({
      url: server.wsUrl,
      token: TOKEN,
      WebSocket: Recording,
      reconnect: FAST_RECONNECT,
    });
    await until(() => client.state === 'open', 'state open');
    const pending = client.request('test.hang');
    const states: string[] = [];
    client.on('state', (change) => states.push(change.state));
    const rejected = expect(pending).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
    await client.close();
    await rejected;
    expect(client.state).toBe('closed');
    expect(states).toEqual(['closed']);
    await until(() => server.clientCount() === 0, 'the server to see the close');
    await sleep(150);
    expect(sockets).toHaveLength(1);
    await expect(client.ping()).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
    expect(() => client.subscribe('files', () => {})).toThrow(SidecarClientError);
  });

  it('close() before the first welcome rejects ready()', async () => {
    const server = await startServer();
    const client = open({ url: server.wsUrl, token: TOKEN });
    const ready = client.ready();
    await client.close();
    await expect(ready).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
  });
});
