import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../../src/protocol/index.js';
import { rawClient, useTestSidecars } from '../../support/server.js';

const start = useTestSidecars();

type Routed = Extract<ServerMessage, { type: 'request' }>;
const isRouted = (method: string) => (m: ServerMessage) =>
  m.type === 'request' && (m as Routed).method === method;

describe('methods provided by clients', () => {
  it('routes a request to its provider under the server id and the answer back', async () => {
    const sidecar = await start();
    const provider = await rawClient(sidecar);
    const requester = await rawClient(sidecar);
    provider.send({ type: 'provide', id: 'p1', methods: ['custom.echo', 'editor.reveal'] });
    expect((await provider.response('p1')).result).toEqual({
      methods: ['custom.echo', 'editor.reveal'],
    });
    const providerId = (provider.messages[0] as { clientId: string }).clientId;
    const requesterId = (requester.messages[0] as { clientId: string }).clientId;

    requester.send({ type: 'request', id: 'q1', method: 'custom.echo', params: { say: 'hi' } });
    const routed = await provider.next<Routed>(isRouted('custom.echo'));
    expect(routed).toMatchObject({ params: { say: 'hi' }, from: { clientId: requesterId } });
    expect(routed.id).not.toBe('q1');
    provider.send({ type: 'response', id: routed.id, result: { said: 'hi' } });
    expect((await requester.response('q1')).result).toEqual({ said: 'hi' });

    // A provider's error reaches the requester with its code.
    requester.send({ type: 'request', id: 'q2', method: 'editor.reveal' });
    const second = await provider.next<Routed>(isRouted('editor.reveal'));
    provider.send({
      type: 'response',
      id: second.id,
      error: { code: 'INVALID_PARAMS', message: 'no such line', details: { line: 9 } },
    });
    expect((await requester.response('q2')).error).toEqual({
      code: 'INVALID_PARAMS',
      message: 'no such line',
      details: { line: 9 },
    });

    // Late or unknown answers are ignored; a malformed one is refused.
    provider.send({ type: 'response', id: routed.id, result: 'again' });
    provider.send({ type: 'response', id: 'x', error: { message: 'no code' } });
    expect((await provider.response('x')).error?.code).toBe('INVALID_MESSAGE');

    requester.send({ type: 'request', id: 'i', method: 'server.info' });
    const info = (await requester.response('i')).result as { providers: unknown };
    expect(info.providers).toEqual([
      { method: 'custom.echo', clientId: providerId },
      { method: 'editor.reveal', clientId: providerId },
    ]);

    provider.send({ type: 'unprovide', id: 'u', methods: ['custom.echo'] });
    expect((await provider.response('u')).result).toEqual({ methods: ['editor.reveal'] });
    requester.send({ type: 'request', id: 'q3', method: 'custom.echo' });
    expect((await requester.response('q3')).error).toMatchObject({
      code: 'UNAVAILABLE',
      details: { method: 'custom.echo' },
    });
    provider.close();
    requester.close();
  });

  it('keeps one provider per method, announces changes on system, frees it on disconnect', async () => {
    const sidecar = await start();
    const watcher = await rawClient(sidecar);
    watcher.send({ type: 'subscribe', id: 's', channels: ['system'] });
    await watcher.response('s');
    const first = await rawClient(sidecar);
    const second = await rawClient(sidecar);
    const firstId = (first.messages[0] as { clientId: string }).clientId;
    const secondId = (second.messages[0] as { clientId: string }).clientId;
    first.send({ type: 'provide', id: 'a', methods: ['editor.open'] });
    await first.response('a');
    const systemEvent = (event: string, clientId: string) => (m: ServerMessage) =>
      m.type === 'event' &&
      m.channel === 'system' &&
      m.event === event &&
      (m.data as { clientId: string }).clientId === clientId;
    expect(await watcher.next(systemEvent('provider.added', firstId))).toMatchObject({
      data: { method: 'editor.open', clientId: firstId },
    });

    second.send({ type: 'provide', id: 'b', methods: ['editor.open'] });
    expect((await second.response('b')).error).toMatchObject({
      code: 'FORBIDDEN',
      details: { method: 'editor.open', providerId: firstId },
    });

    first.close();
    expect(await watcher.next(systemEvent('provider.removed', firstId))).toMatchObject({
      data: { method: 'editor.open', clientId: firstId },
    });
    second.send({ type: 'provide', id: 'c', methods: ['editor.open'] });
    expect((await second.response('c')).result).toEqual({ methods: ['editor.open'] });
    await watcher.next(systemEvent('provider.added', secondId));
    watcher.close();
    second.close();
  });

  it('fails a request whose provider disconnects with CONNECTION_CLOSED', async () => {
    const sidecar = await start();
    const provider = await rawClient(sidecar);
    const requester = await rawClient(sidecar);
    provider.send({ type: 'provide', id: 'p', methods: ['custom.slow'] });
    await provider.response('p');
    requester.send({ type: 'request', id: 'q', method: 'custom.slow' });
    await provider.next(isRouted('custom.slow'));
    provider.close();
    expect((await requester.response('q')).error).toMatchObject({
      code: 'CONNECTION_CLOSED',
      details: { method: 'custom.slow' },
    });
    requester.close();
  });

  it('times out a routed request and tells the provider to drop it', async () => {
    const sidecar = await start({ requestTimeoutMs: 300 });
    const provider = await rawClient(sidecar);
    const requester = await rawClient(sidecar);
    provider.send({ type: 'provide', id: 'p', methods: ['custom.never'] });
    await provider.response('p');
    requester.send({ type: 'request', id: 'q', method: 'custom.never' });
    const routed = await provider.next<Routed>(isRouted('custom.never'));
    expect((await requester.response('q')).error?.code).toBe('TIMEOUT');
    await provider.next((m) => m.type === 'cancel' && m.id === routed.id);
    // The late answer is dropped without a word.
    provider.send({ type: 'response', id: routed.id, result: 'late' });
    provider.send({ type: 'ping', id: 'after' });
    await provider.response('after');
    expect(provider.messages.filter((m) => m.type === 'error')).toEqual([]);
    provider.close();
    requester.close();
  });

  it('cancels a request at its requester’s word, and tells the provider', async () => {
    const sidecar = await start();
    const provider = await rawClient(sidecar);
    const requester = await rawClient(sidecar);
    provider.send({ type: 'provide', id: 'p', methods: ['custom.wait'] });
    await provider.response('p');
    requester.send({ type: 'request', id: 'q', method: 'custom.wait' });
    const routed = await provider.next<Routed>(isRouted('custom.wait'));
    requester.send({ type: 'cancel', id: 'q' });
    expect((await requester.response('q')).error?.code).toBe('CANCELLED');
    await provider.next((m) => m.type === 'cancel' && m.id === routed.id);
    // An unknown id is ignored.
    requester.send({ type: 'cancel', id: 'nothing' });

    // The requester leaving cancels its routed requests too.
    requester.send({ type: 'request', id: 'q2', method: 'custom.wait' });
    const again = await provider.next<Routed>(
      (m) => isRouted('custom.wait')(m) && (m as Routed).id !== routed.id,
    );
    requester.close();
    await provider.next((m) => m.type === 'cancel' && m.id === again.id);
    provider.close();
  });

  it('cancels a built-in request too', async () => {
    const sidecar = await start();
    const { z } = await import('zod');
    sidecar.methods.register({
      name: 'test.hang',
      params: z.unknown(),
      handler: () => new Promise(() => {}),
    });
    const client = await rawClient(sidecar);
    client.send({ type: 'request', id: 'h', method: 'test.hang' });
    client.send({ type: 'cancel', id: 'h' });
    expect((await client.response('h')).error?.code).toBe('CANCELLED');
    client.close();
  });

  it('refuses bad names, the server’s own methods and too many methods', async () => {
    const sidecar = await start();
    const client = await rawClient(sidecar);
    for (const [id, methods] of [
      ['n1', ['server.info']],
      ['n2', ['git.status']],
      ['n3', ['editor.']],
      ['n4', ['custom.a b']],
      ['n5', [`custom.${'x'.repeat(65)}`]],
    ] as const) {
      client.send({ type: 'provide', id, methods });
      expect((await client.response(id)).error?.code, methods[0]).toBe('INVALID_PARAMS');
    }
    client.send({ type: 'provide', id: 'e', methods: [] });
    expect((await client.response('e')).error?.code).toBe('INVALID_MESSAGE');
    client.send({ type: 'request', id: 'nobody', method: 'editor.nothing' });
    expect((await client.response('nobody')).error).toMatchObject({
      code: 'UNAVAILABLE',
      details: { method: 'editor.nothing' },
    });

    const many = Array.from({ length: 33 }, (_, i) => `custom.m${i}`);
    client.send({ type: 'provide', id: 'many', methods: many });
    expect((await client.response('many')).error).toMatchObject({
      code: 'FORBIDDEN',
      details: { limit: 32 },
    });
    client.send({ type: 'provide', id: 'ok', methods: many.slice(0, 32) });
    expect(((await client.response('ok')).result as { methods: string[] }).methods).toHaveLength(
      32,
    );
    client.send({ type: 'provide', id: 'one-more', methods: ['custom.extra'] });
    expect((await client.response('one-more')).error?.code).toBe('FORBIDDEN');
    client.close();
  });

  it('refuses more than 64 routed requests in flight to one provider', async () => {
    const sidecar = await start();
    const provider = await rawClient(sidecar);
    provider.send({ type: 'provide', id: 'p', methods: ['custom.hold'] });
    await provider.response('p');
    const requesters = await Promise.all([rawClient(sidecar), rawClient(sidecar)]);
    for (let i = 0; i < 64; i++) {
      requesters[i % 2]!.send({ type: 'request', id: `q${i}`, method: 'custom.hold' });
    }
    await provider.next(() => provider.messages.filter(isRouted('custom.hold')).length === 64);
    requesters[0]!.send({ type: 'request', id: 'over', method: 'custom.hold' });
    expect((await requesters[0]!.response('over')).error).toMatchObject({
      code: 'RATE_LIMITED',
      details: { method: 'custom.hold', limit: 64 },
    });
    for (const client of [provider, ...requesters]) client.close();
  });
});
