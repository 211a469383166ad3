import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineMethod } from '../../../src/core/methods.js';
import { rawClient, startTestSidecar, useTestSidecars, waitFor } from '../../support/server.js';

const start = useTestSidecars();

const errorCodeOf = (message: unknown) =>
  (message as { error?: { code: string }; code?: string }).error?.code ??
  (message as { code?: string }).code;

describe('messages and errors', () => {
  it('answers bad input with coded errors and keeps the connection open', async () => {
    const sidecar = await start();
    const client = await rawClient(sidecar);
    client.send('{not json');
    expect(await client.next((m) => m.type === 'error')).toMatchObject({ code: 'INVALID_MESSAGE' });
    client.send({ type: 'dance', id: 'a' });
    expect(errorCodeOf(await client.response('a'))).toBe('INVALID_MESSAGE');
    client.send({ type: 'subscribe', channels: 'files', id: 'b' });
    const wrongType = await client.response('b');
    expect(wrongType.error).toMatchObject({
      code: 'INVALID_MESSAGE',
      details: { field: 'channels' },
    });
    client.send({ type: 'subscribe', channels: ['nope'], id: 'c' });
    expect(errorCodeOf(await client.response('c'))).toBe('UNKNOWN_CHANNEL');
    client.send({ type: 'request', id: 'd', method: 'no.such.method' });
    expect(errorCodeOf(await client.response('d'))).toBe('UNKNOWN_METHOD');
    client.send({ type: 'request', method: 'server.info' });
    await client.next(
      (m) => m.type === 'error' && m.code === 'INVALID_MESSAGE' && /id/.test(m.message),
    );
    client.send({ type: 'subscribe', id: 'e' });
    expect(errorCodeOf(await client.response('e'))).toBe('INVALID_MESSAGE');
    client.send([1, 2]);
    client.send({ type: 'request', id: 'f', method: 'server.info' });
    expect((await client.response('f')).result).toMatchObject({ name: 'sidecar', clients: 1 });
    expect(client.socket.readyState).toBe(client.socket.OPEN);
    client.close();
  });

  it('refuses binary frames with INVALID_MESSAGE and stays open', async () => {
    const sidecar = await start();
    const client = await rawClient(sidecar);
    client.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await client.next((m) => m.type === 'error')).toMatchObject({ code: 'INVALID_MESSAGE' });
    client.send({ type: 'ping', id: 'p' });
    await client.response('p');
  });

  it('closes with 1009 on a frame over the max payload, leaving other connections open', async () => {
    const sidecar = await start({ maxPayload: 4096 });
    const innocent = await rawClient(sidecar);
    const client = await rawClient(sidecar);
    client.send({ type: 'publish', channel: 'custom:x', event: 'big', data: 'x'.repeat(10_000) });
    expect((await client.closed).code).toBe(1009);
    innocent.send({ type: 'ping', id: 'p' });
    await innocent.response('p');
  });

  it('validates method params and names the bad field', async () => {
    const sidecar = await start();
    sidecar.methods.register(
      defineMethod({
        name: 'test.echo',
        params: z.object({ text: z.string(), times: z.number().int().positive().optional() }),
        handler: ({ text, times = 1 }) => ({ echoed: text.repeat(times) }),
      }),
    );
    const client = await rawClient(sidecar);
    client.send({
      type: 'request',
      id: '1',
      method: 'test.echo',
      params: { text: 'ab', times: 2 },
    });
    expect((await client.response('1')).result).toEqual({ echoed: 'abab' });
    client.send({ type: 'request', id: '2', method: 'test.echo', params: { text: 5 } });
    expect((await client.response('2')).error).toMatchObject({
      code: 'INVALID_PARAMS',
      details: { field: 'text' },
    });
    client.send({ type: 'request', id: '3', method: 'server.info', params: { unexpected: true } });
    expect(errorCodeOf(await client.response('3'))).toBe('INVALID_PARAMS');
  });

  it('turns a throwing handler into HANDLER_ERROR and a slow one into TIMEOUT', async () => {
    const sidecar = await start();
    sidecar.methods.register(
      defineMethod({
        name: 'test.fail',
        params: z.unknown(),
        handler: () => {
          throw new Error('boom');
        },
      }),
    );
    sidecar.methods.register(
      defineMethod({
        name: 'test.slow',
        params: z.unknown(),
        timeoutMs: 50,
        handler: (_params, { signal }) =>
          new Promise((resolve) => signal.addEventListener('abort', resolve)),
      }),
    );
    const client = await rawClient(sidecar);
    client.send({ type: 'request', id: 'a', method: 'test.fail' });
    expect((await client.response('a')).error).toMatchObject({
      code: 'HANDLER_ERROR',
      message: 'boom',
    });
    client.send({ type: 'request', id: 'b', method: 'test.slow' });
    expect(errorCodeOf(await client.response('b'))).toBe('TIMEOUT');
  });

  it('answers an app-level ping with a pong carrying a timestamp', async () => {
    const sidecar = await start();
    const client = await rawClient(sidecar);
    client.send({ type: 'ping' });
    const pong = await client.next((m) => m.type === 'pong');
    expect(typeof (pong as { timestamp: number }).timestamp).toBe('number');
    // A message with an id always gets a response, a client's pong too.
    client.send({ type: 'pong', id: 'p1' });
    expect((await client.response('p1')).result).toEqual({});
  });
});

describe('subscriptions and publishing', () => {
  it('accepts both the channel and channels forms, and unsubscribe stops delivery', async () => {
    const sidecar = await start();
    const client = await rawClient(sidecar);
    client.send({ type: 'subscribe', channel: 'custom:a', id: 's1' });
    client.send({ type: 'subscribe', channels: ['custom:b', 'files'], id: 's2' });
    expect((await client.response('s1')).result).toMatchObject({
      channels: ['custom:a'],
      gaps: [],
    });
    expect((await client.response('s2')).result).toMatchObject({ channels: ['custom:b', 'files'] });
    sidecar.broadcaster.emit('custom:a', 'one', { n: 1 });
    sidecar.broadcaster.emit('custom:b', 'two', { n: 2 });
    sidecar.broadcaster.fileChanged('src/a.ts', 'change');
    await client.next((m) => m.type === 'event' && m.channel === 'files');
    expect(
      client.messages
        .filter((m) => m.type === 'event')
        .map((m) => (m as { channel: string }).channel),
    ).toEqual(['custom:a', 'custom:b', 'files']);
    client.send({ type: 'unsubscribe', channels: ['custom:a'], id: 'u' });
    await client.response('u');
    sidecar.broadcaster.emit('custom:a', 'one', { n: 3 });
    sidecar.broadcaster.emit('custom:b', 'two', { n: 4 });
    await client.next((m) => m.type === 'event' && (m.data as { n: number }).n === 4);
    expect(
      client.messages.some((m) => m.type === 'event' && (m.data as { n: number }).n === 3),
    ).toBe(false);
  });

  it('lets clients publish on ai-response and custom channels only', async () => {
    const sidecar = await start();
    const producer = await rawClient(sidecar);
    const viewer = await rawClient(sidecar);
    viewer.send({ type: 'subscribe', channels: ['ai-response'], id: 's' });
    await viewer.response('s');
    producer.send({ type: 'publish', channel: 'git', event: 'status', data: {}, id: 'g' });
    expect(errorCodeOf(await producer.response('g'))).toBe('FORBIDDEN');
    producer.send({ type: 'publish', channel: 'nope', event: 'x', id: 'n' });
    expect(errorCodeOf(await producer.response('n'))).toBe('UNKNOWN_CHANNEL');
    producer.send({
      type: 'publish',
      channel: 'ai-response',
      event: 'chunk',
      data: { id: 's1' },
      id: 'bad',
    });
    expect(errorCodeOf(await producer.response('bad'))).toBe('INVALID_PARAMS');
    const chunk = { id: 's1', chunk: 'Hel', index: 0, finished: false };
    producer.send({
      type: 'publish',
      channel: 'ai-response',
      event: 'chunk',
      data: chunk,
      id: 'ok',
    });
    expect((await producer.response('ok')).result).toEqual({ channel: 'ai-response', seq: 1 });
    expect(await viewer.next((m) => m.type === 'event')).toMatchObject({
      event: 'chunk',
      data: chunk,
      seq: 1,
    });
  });

  it('serializes each event once: every subscriber gets byte-identical frames', async () => {
    const sidecar = await start();
    const clients = await Promise.all([rawClient(sidecar), rawClient(sidecar), rawClient(sidecar)]);
    const frames: string[][] = clients.map(() => []);
    clients.forEach((client, i) => {
      client.socket.on('message', (data) => frames[i]!.push(data.toString()));
      client.send({ type: 'subscribe', channel: 'custom:x', id: 's' });
    });
    await Promise.all(clients.map((client) => client.response('s')));
    sidecar.broadcaster.emit('custom:x', 'tick', { n: 1 });
    await Promise.all(clients.map((client) => client.next((m) => m.type === 'event')));
    const eventFrames = frames.map((list) => list.find((f) => f.includes('"tick"')));
    expect(new Set(eventFrames).size).toBe(1);
  });
});

describe('flow control', () => {
  it('answers RATE_LIMITED past the burst, and closes a client that keeps flooding with 1008', async () => {
    const sidecar = await start({ rateLimit: 10, rateBurst: 20 });
    const innocent = await rawClient(sidecar);
    const client = await rawClient(sidecar);
    for (let i = 0; i < 30; i++)
      client.send({ type: 'request', id: `r${i}`, method: 'server.info' });
    const limited = await client.next(
      (m) => m.type === 'response' && m.error?.code === 'RATE_LIMITED',
    );
    expect(limited).toBeDefined();
    await waitFor(() => client.messages.filter((m) => m.type === 'response').length === 30);
    const answered = client.messages.filter((m) => m.type === 'response' && m.result !== undefined);
    expect(answered.length).toBeLessThanOrEqual(21);
    for (let i = 0; i < 200; i++) client.send({ type: 'ping' });
    expect((await client.closed).code).toBe(1008);
    innocent.send({ type: 'ping', id: 'still-here' });
    await innocent.response('still-here');
  });

  it('rate-limits binary frames too, and answers a closing flooder no more', async () => {
    const sidecar = await start({ rateLimit: 10, rateBurst: 20 });
    const client = await rawClient(sidecar);
    for (let i = 0; i < 500; i++) client.socket.send(Buffer.from([i % 256]), { binary: true });
    expect((await client.closed).code).toBe(1008);
    expect(sidecar.stats().floodCloses).toBe(1);
  });

  it('closes a client that stops reading with 4008 while another keeps receiving', async () => {
    const sidecar = await start({ highWaterMark: 256 * 1024 });
    const slow = await rawClient(sidecar);
    const healthy = await rawClient(sidecar);
    for (const client of [slow, healthy])
      client.send({ type: 'subscribe', channel: 'custom:flood', id: 's' });
    await Promise.all([slow.response('s'), healthy.response('s')]);
    // Stop reading: the kernel buffers fill, then the server's queue grows past the mark.
    slow.socket.pause();
    let received = 0;
    healthy.socket.on('message', () => received++);
    const payload = 'x'.repeat(16 * 1024);
    const total = 2000;
    for (let i = 0; i < total; i++) {
      sidecar.broadcaster.emit('custom:flood', 'data', { i, payload });
      if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await waitFor(() => received >= total, {
      message: 'the healthy client to receive every event',
    });
    await waitFor(() => sidecar.stats().slowConsumerCloses === 1, {
      message: 'the slow consumer to be closed',
    });
    slow.socket.resume();
    expect((await slow.closed).code).toBe(4008);
    expect(healthy.socket.readyState).toBe(healthy.socket.OPEN);
  });

  it('does not close a reading client whose resume replay alone passes the high-water mark', async () => {
    const sidecar = await start({ highWaterMark: 64 * 1024, history: 500 });
    const payload = 'y'.repeat(4 * 1024);
    for (let i = 0; i < 400; i++) sidecar.broadcaster.emit('custom:big', 'data', { i, payload });
    const client = await rawClient(sidecar);
    client.send({
      type: 'subscribe',
      channel: 'custom:big',
      since: { epoch: sidecar.epoch, seq: { 'custom:big': 0 } },
      id: 's',
    });
    expect((await client.response('s')).result).toMatchObject({ replayed: { 'custom:big': 400 } });
    sidecar.broadcaster.emit('custom:big', 'data', { i: 400, payload });
    await client.next((m) => m.type === 'event' && m.seq === 401);
    expect(sidecar.stats().slowConsumerCloses).toBe(0);
  });

  it('terminates a peer that stops answering heartbeat pings', async () => {
    const sidecar = await start({ heartbeatMs: 100 });
    const client = await rawClient(sidecar, {});
    // A peer that never answers pings: ws answers automatically, so pause its socket.
    client.socket.pause();
    await waitFor(() => sidecar.clientCount() === 0, { message: 'the dead peer to be terminated' });
    expect(sidecar.stats().deadPeersTerminated).toBeGreaterThanOrEqual(1);
  });

  it('keeps a peer that answers heartbeat pings', async () => {
    const sidecar = await start({ heartbeatMs: 100 });
    const client = await rawClient(sidecar);
    // A peer silent for two heartbeats is dropped: by the third ping it would be gone.
    let pings = 0;
    client.socket.on('ping', () => pings++);
    await waitFor(() => pings >= 3, { message: 'three heartbeat pings' });
    expect(sidecar.clientCount()).toBe(1);
    client.close();
  });
});

describe('shutdown', () => {
  it('tells every client why, then closes them with 1001', async () => {
    const { sidecar } = await startTestSidecar();
    const subscribed = await rawClient(sidecar);
    const unsubscribed = await rawClient(sidecar);
    subscribed.send({ type: 'subscribe', channel: 'system', id: 's' });
    await subscribed.response('s');
    await sidecar.close('test over');
    for (const client of [subscribed, unsubscribed]) {
      expect(client.messages.at(-1)).toMatchObject({
        type: 'event',
        channel: 'system',
        event: 'shutdown',
        data: { reason: 'test over' },
      });
      expect((await client.closed).code).toBe(1001);
    }
  });
});
