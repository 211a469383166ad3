/**
 * Replays share each connection's budget of queued bytes with everything else it is sent: a
 * client that never reads cannot grow the server's memory by resubscribing with `since`, and a
 * client that reads gets a replay longer than its budget whole, paced as it reads.
 */
import { describe, expect, it } from 'vitest';
import type { Sidecar } from '../../../src/app/sidecar.js';
import type {
  Channel,
  EventMessage,
  ServerMessage,
  SubscribeResult,
} from '../../../src/protocol/index.js';
import { type RawClient, rawClient, useTestSidecars, waitFor } from '../../support/server.js';

const start = useTestSidecars();

const BUDGET = 64 * 1024;
/** What a connection may be charged at most: four budgets within one tick, plus one frame. */
const CHARGE_BOUND = 4 * BUDGET + 16 * 1024;

const channelsNamed = (count: number): Channel[] =>
  Array.from({ length: count }, (_, i) => `custom:c${i}` as const);

function fill(sidecar: Sidecar, channels: Channel[], events: number, payloadBytes: number): void {
  const payload = 'p'.repeat(payloadBytes);
  for (const channel of channels) {
    for (let i = 0; i < events; i++) sidecar.broadcaster.emit(channel, 'fill', { i, payload });
  }
}

/** The server's own account of the connection the client with `clientId` has. */
const accountOf = (sidecar: Sidecar, clientId: string) =>
  sidecar.connections().find((connection) => connection.id === clientId);

async function clientIdOf(client: RawClient): Promise<string> {
  const welcome = await client.next((m) => m.type === 'welcome');
  return (welcome as Extract<ServerMessage, { type: 'welcome' }>).clientId;
}

const seqsOf = (messages: ServerMessage[], channel: string) =>
  messages
    .filter((m): m is EventMessage => m.type === 'event' && m.channel === channel)
    .map((m) => m.seq);

const oneToN = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('replays within the budget', () => {
  it('closes a non-reading client that keeps resubscribing with since with 4008, its queue bounded, while a bystander is answered', async () => {
    const sidecar = await start({ highWaterMark: BUDGET, rateLimit: 0 });
    const channels = channelsNamed(16);
    fill(sidecar, channels, 100, 1024);
    const since = { epoch: sidecar.epoch, seq: Object.fromEntries(channels.map((c) => [c, 0])) };
    const abuser = await rawClient(sidecar);
    const abuserId = await clientIdOf(abuser);
    const bystander = await rawClient(sidecar);
    abuser.socket.pause();
    const pings: Promise<unknown>[] = [];
    let cycles = 0;
    while (sidecar.stats().slowConsumerCloses === 0) {
      expect(cycles++, 'cycles before the 4008').toBeLessThan(5000);
      abuser.send({ type: 'subscribe', id: `s${cycles}`, channels, since });
      abuser.send({ type: 'unsubscribe', id: `u${cycles}`, channels });
      abuser.socket.pong();
      if (cycles % 20 === 0) {
        bystander.send({ type: 'ping', id: `b${cycles}` });
        pings.push(bystander.response(`b${cycles}`));
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
      const account = accountOf(sidecar, abuserId);
      if (account) expect(account.peakQueuedBytes).toBeLessThanOrEqual(CHARGE_BOUND);
      else expect(sidecar.stats().slowConsumerCloses).toBe(1);
    }
    await Promise.all(pings);
    bystander.send({ type: 'ping', id: 'after' });
    await bystander.response('after');
    abuser.socket.resume();
    expect((await abuser.closed).code).toBe(4008);
  });

  it('sends a reading client a replay many times its budget, whole and in order, and does not close it', async () => {
    const sidecar = await start({ highWaterMark: BUDGET, history: 1000 });
    const channels = channelsNamed(16);
    fill(sidecar, channels, 200, 1024);
    const client = await rawClient(sidecar);
    const clientId = await clientIdOf(client);
    client.send({
      type: 'subscribe',
      id: 's',
      channels,
      since: { epoch: sidecar.epoch, seq: Object.fromEntries(channels.map((c) => [c, 0])) },
    });
    // Events published while the replay is under way come in order, each once.
    await client.next((m) => m.type === 'event');
    fill(sidecar, [channels[0]!, channels[15]!], 20, 16);
    const response = await client.response('s');
    const replayed = Object.fromEntries(channels.slice(1, 15).map((c) => [c, 200]));
    expect(response.result).toMatchObject({
      channels,
      gaps: [],
      replayed,
    } satisfies Partial<SubscribeResult>);
    sidecar.broadcaster.emit('custom:c0', 'live', {});
    await client.next((m) => m.type === 'event' && m.channel === 'custom:c0' && m.seq === 221);
    expect(seqsOf(client.messages, 'custom:c0')).toEqual(oneToN(221));
    expect(seqsOf(client.messages, 'custom:c15')).toEqual(oneToN(220));
    for (const channel of channels.slice(1, 15)) {
      expect(seqsOf(client.messages, channel)).toEqual(oneToN(200));
    }
    expect(sidecar.stats().slowConsumerCloses).toBe(0);
    // Paced: never more than the budget queued, though the replay is 50 times bigger.
    expect(accountOf(sidecar, clientId)?.peakQueuedBytes).toBeLessThanOrEqual(BUDGET);
  });

  it('queues no second replay for a channel subscribed again while its replay waits', async () => {
    // More history than the kernel buffers of a loopback connection take, so the replay waits.
    const events = 4000;
    const sidecar = await start({ highWaterMark: BUDGET, history: events });
    fill(sidecar, ['custom:log'], events, 4096);
    const client = await rawClient(sidecar);
    const clientId = await clientIdOf(client);
    client.socket.pause();
    const since = { epoch: sidecar.epoch, seq: { 'custom:log': 0 } };
    client.send({ type: 'subscribe', id: 's1', channel: 'custom:log', since });
    client.send({ type: 'subscribe', id: 's2', channel: 'custom:log', since });
    await waitFor(() => accountOf(sidecar, clientId)?.messagesReceived === 2, {
      message: 'both subscribes to be handled',
    });
    expect(accountOf(sidecar, clientId)?.peakQueuedBytes).toBeLessThanOrEqual(CHARGE_BOUND);
    client.socket.resume();
    const second = await client.response('s2');
    expect((await client.response('s1')).result).toMatchObject({
      replayed: { 'custom:log': events },
    });
    expect(second.result).toMatchObject({ replayed: { 'custom:log': 0 } });
    expect(seqsOf(client.messages, 'custom:log')).toEqual(oneToN(events));
  });

  it('holds at most 64 subscribes waiting for their replay, and refuses more with RATE_LIMITED', async () => {
    const events = 4000;
    const sidecar = await start({ highWaterMark: BUDGET, history: events, rateLimit: 0 });
    fill(sidecar, ['custom:log'], events, 4096);
    const client = await rawClient(sidecar);
    const clientId = await clientIdOf(client);
    client.socket.pause();
    const since = { epoch: sidecar.epoch, seq: { 'custom:log': 0 } };
    for (let i = 0; i < 71; i++) {
      client.send({ type: 'subscribe', id: `s${i}`, channel: 'custom:log', since });
    }
    await waitFor(() => accountOf(sidecar, clientId)?.messagesReceived === 71, {
      message: 'every subscribe to be handled',
    });
    client.socket.resume();
    // Subscribes are answered in order, the refused ones at once.
    await client.response('s63');
    const answers = client.messages.filter((m) => m.type === 'response');
    expect(answers.map((answer) => answer.id)).toEqual([
      ...Array.from({ length: 7 }, (_, i) => `s${64 + i}`),
      ...Array.from({ length: 64 }, (_, i) => `s${i}`),
    ]);
    expect(answers.slice(0, 7).map((answer) => answer.error?.code)).toEqual(
      Array(7).fill('RATE_LIMITED'),
    );
    expect(answers.slice(7).every((answer) => answer.result !== undefined)).toBe(true);
    expect(seqsOf(client.messages, 'custom:log')).toEqual(oneToN(events));
  });

  it('drops the unsent rest of a replay on unsubscribe, so a resubscribe does not queue a second copy', async () => {
    const events = 4000;
    const sidecar = await start({ highWaterMark: BUDGET, history: events });
    fill(sidecar, ['custom:log'], events, 4096);
    const client = await rawClient(sidecar);
    const clientId = await clientIdOf(client);
    client.socket.pause();
    const since = { epoch: sidecar.epoch, seq: { 'custom:log': 0 } };
    client.send({ type: 'subscribe', id: 's1', channel: 'custom:log', since });
    client.send({ type: 'unsubscribe', id: 'u1', channel: 'custom:log' });
    client.send({ type: 'subscribe', id: 's2', channel: 'custom:log', since });
    await waitFor(() => accountOf(sidecar, clientId)?.messagesReceived === 3, {
      message: 'the three messages to be handled',
    });
    expect(accountOf(sidecar, clientId)?.peakQueuedBytes).toBeLessThanOrEqual(CHARGE_BOUND);
    client.socket.resume();
    const last = await client.response('s2');
    const indexOf = (id: string) =>
      client.messages.findIndex((m) => m.type === 'response' && m.id === id);
    // The first subscribe is answered when its replay stops, before the unsubscribe is.
    expect(indexOf('s1')).toBeLessThan(indexOf('u1'));
    expect((await client.response('s1')).result).toMatchObject({ channels: [] });
    const first = seqsOf(client.messages.slice(0, indexOf('u1')), 'custom:log');
    expect(first.length).toBeLessThan(events);
    expect(first).toEqual(oneToN(first.length));
    expect(last.result).toMatchObject({ replayed: { 'custom:log': events }, gaps: [] });
    expect(seqsOf(client.messages.slice(indexOf('u1')), 'custom:log')).toEqual(oneToN(events));
    expect(sidecar.stats().slowConsumerCloses).toBe(0);
  });
});
