import { describe, expect, it } from 'vitest';
import type { Sidecar } from '../../../src/app/sidecar.js';
import type { Source } from '../../../src/core/source.js';
import type { EventMessage, ServerMessage } from '../../../src/protocol/index.js';
import { rawClient, TEST_TOKEN, upgradeStatus, useTestSidecars } from '../../support/server.js';

const start = useTestSidecars();

/**
 * A source whose `stop` waits until the test releases it: shutdown stops the sources before it
 * closes the HTTP server, so the server stays reachable mid-shutdown for as long as the test
 * needs.
 */
function sourceHeldAtStop() {
  let release!: () => void;
  let reachStop!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const stopping = new Promise<void>((resolve) => {
    reachStop = resolve;
  });
  const source: Source = {
    name: 'held',
    channel: 'custom:held',
    async start() {},
    async stop() {
      reachStop();
      await released;
    },
  };
  return { source, stopping, release };
}

const publishOverHttp = (sidecar: Sidecar, n: number) =>
  fetch(`${sidecar.url}/publish`, {
    method: 'POST',
    body: JSON.stringify({ channel: 'custom:build', event: 'step', data: { n } }),
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
  });

const seqsOf = (messages: ServerMessage[], channel: string) =>
  messages
    .filter((m): m is EventMessage => m.type === 'event' && m.channel === channel)
    .map((m) => m.seq);

describe('publishing during shutdown', () => {
  it('answers 503 UNAVAILABLE once shutdown begins; every event acknowledged before reached the subscriber ahead of its 1001', async () => {
    const held = sourceHeldAtStop();
    const sidecar = await start({ sources: [held.source] });
    // Released whatever happens, or a failed assertion would leave shutdown hanging.
    try {
      await publishDuringShutdown(sidecar);
    } finally {
      held.release();
    }
    await sidecar.close();
  });

  it('refuses a new WebSocket with HTTP 503 while shutting down', async () => {
    const held = sourceHeldAtStop();
    const sidecar = await start({ sources: [held.source] });
    // A client that stops reading holds shutdown in its first step, closing the connections.
    const stalled = await rawClient(sidecar);
    stalled.socket.pause();
    const closing = sidecar.close('test over');
    try {
      expect(await upgradeStatus(sidecar, {})).toBe(503);
      stalled.socket.resume();
      expect((await stalled.closed).code).toBe(1001);
      await held.stopping;
      expect(await upgradeStatus(sidecar, {})).toBe(503);
      // The checks of who may connect still come first.
      expect(await upgradeStatus(sidecar, { token: null })).toBe(401);
    } finally {
      held.release();
    }
    await closing;
  });
});

/**
 * Subscribes, publishes over HTTP and the socket while `close()` begins, and checks that the
 * events acknowledged are exactly those delivered before the 1001.
 */
async function publishDuringShutdown(sidecar: Sidecar): Promise<void> {
  const subscriber = await rawClient(sidecar);
  subscriber.send({ type: 'subscribe', channel: 'custom:build', id: 'sub' });
  await subscriber.response('sub');
  const producer = await rawClient(sidecar);

  const first = await publishOverHttp(sidecar, 0);
  expect(first.status).toBe(200);
  // Producers keep publishing, over both transports, while shutdown begins.
  const overHttp = Array.from({ length: 40 }, (_, n) => publishOverHttp(sidecar, n + 1));
  for (let n = 0; n < 40; n++) {
    producer.send({ type: 'publish', id: `w${n}`, channel: 'custom:build', event: 'w' });
  }
  void sidecar.close('test over');
  const late = await publishOverHttp(sidecar, 99);
  expect(late.status).toBe(503);
  expect(await late.json()).toMatchObject({
    error: { code: 'UNAVAILABLE', message: 'the sidecar is shutting down' },
  });

  const acknowledged = [((await first.json()) as { seq: number }).seq];
  for (const response of await Promise.all(overHttp)) {
    const body = (await response.json()) as { seq: number; error?: { code: string } };
    if (response.status === 200) acknowledged.push(body.seq);
    else expect([response.status, body.error?.code]).toEqual([503, 'UNAVAILABLE']);
  }
  expect((await subscriber.closed).code).toBe(1001);
  expect((await producer.closed).code).toBe(1001);
  for (const message of producer.messages) {
    if (message.type !== 'response') continue;
    // A publish over the socket is answered before the 1001, or not at all.
    if (message.error) expect(message.error.code).toBe('UNAVAILABLE');
    else acknowledged.push((message.result as { seq: number }).seq);
  }

  // Exactly the acknowledged events were delivered, in order, before the close.
  expect(seqsOf(subscriber.messages, 'custom:build')).toEqual(acknowledged.sort((a, b) => a - b));
}
