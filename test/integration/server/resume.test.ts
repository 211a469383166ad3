import { describe, expect, it } from 'vitest';
import type { Source } from '../../../src/core/source.js';
import type { EventMessage, SubscribeResult } from '../../../src/protocol/index.js';
import { type RawClient, rawClient, useTestSidecars } from '../../support/server.js';

const start = useTestSidecars();

/** A state source for the `git` channel whose state the test sets. */
function fakeGitState(): Source & { state: { branch: string } } {
  return {
    name: 'git-state',
    channel: 'git',
    state: { branch: 'main' },
    async start() {},
    async stop() {},
    snapshot() {
      return this.state;
    },
  };
}

/** Subscribes to one channel from where a client left off; the response has id `s`. */
const sendResume = (client: RawClient, channel: string, epoch: string, seq: number) =>
  client.send({ type: 'subscribe', channel, since: { epoch, seq: { [channel]: seq } }, id: 's' });

const seqsOf = (messages: unknown[], channel: string) =>
  messages
    .filter(
      (m): m is EventMessage =>
        (m as EventMessage).type === 'event' && (m as EventMessage).channel === channel,
    )
    .map((m) => m.seq);

describe('resume with since', () => {
  it('replays missed events in order with their original seq, before live events', async () => {
    const sidecar = await start();
    for (let i = 1; i <= 10; i++) sidecar.broadcaster.emit('custom:log', 'line', { i });
    const client = await rawClient(sidecar);
    sendResume(client, 'custom:log', sidecar.epoch, 4);
    const response = await client.response('s');
    sidecar.broadcaster.emit('custom:log', 'line', { i: 11 });
    await client.next((m) => m.type === 'event' && m.seq === 11);
    expect(response.result).toEqual({
      channels: ['custom:log'],
      replayed: { 'custom:log': 6 },
      gaps: [],
      seq: { 'custom:log': 10 },
    } satisfies SubscribeResult);
    expect(seqsOf(client.messages, 'custom:log')).toEqual([5, 6, 7, 8, 9, 10, 11]);
    // The response follows the replay.
    const responseIndex = client.messages.indexOf(response);
    expect(client.messages.findIndex((m) => m.type === 'event' && m.seq === 10)).toBeLessThan(
      responseIndex,
    );
  });

  it('reports a gap and replays what is left when the history no longer holds every missed event', async () => {
    const sidecar = await start({ history: 5 });
    for (let i = 1; i <= 20; i++) sidecar.broadcaster.emit('custom:log', 'line', { i });
    const client = await rawClient(sidecar);
    sendResume(client, 'custom:log', sidecar.epoch, 3);
    const response = await client.response('s');
    expect(response.result).toMatchObject({ gaps: ['custom:log'], replayed: { 'custom:log': 5 } });
    expect(seqsOf(client.messages, 'custom:log')).toEqual([16, 17, 18, 19, 20]);
  });

  it('replays nothing when the client is up to date', async () => {
    const sidecar = await start();
    for (let i = 1; i <= 3; i++) sidecar.broadcaster.emit('custom:log', 'line', { i });
    const client = await rawClient(sidecar);
    sendResume(client, 'custom:log', sidecar.epoch, 3);
    expect((await client.response('s')).result).toMatchObject({
      replayed: { 'custom:log': 0 },
      gaps: [],
    });
    expect(seqsOf(client.messages, 'custom:log')).toEqual([]);
  });

  it('from another epoch, reports a gap and replays this epoch from its start', async () => {
    const sidecar = await start();
    for (let i = 1; i <= 3; i++) sidecar.broadcaster.emit('custom:log', 'line', { i });
    const client = await rawClient(sidecar);
    sendResume(client, 'custom:log', 'old-epoch', 99);
    expect((await client.response('s')).result).toMatchObject({
      gaps: ['custom:log'],
      replayed: { 'custom:log': 3 },
    });
    expect(seqsOf(client.messages, 'custom:log')).toEqual([1, 2, 3]);
  });

  it('answers a claim of events the channel never had with a gap, not older events', async () => {
    const sidecar = await start();
    for (let i = 1; i <= 3; i++) sidecar.broadcaster.emit('custom:log', 'line', { i });
    const client = await rawClient(sidecar);
    sendResume(client, 'custom:log', sidecar.epoch, 50);
    expect((await client.response('s')).result).toMatchObject({
      gaps: ['custom:log'],
      replayed: { 'custom:log': 0 },
    });
  });

  it('without since, sends only live events on stream channels', async () => {
    const sidecar = await start();
    sidecar.broadcaster.emit('custom:log', 'line', { i: 1 });
    const client = await rawClient(sidecar);
    client.send({ type: 'subscribe', channel: 'custom:log', id: 's' });
    expect((await client.response('s')).result).toMatchObject({
      replayed: { 'custom:log': 0 },
      seq: { 'custom:log': 1 },
    });
    sidecar.broadcaster.emit('custom:log', 'line', { i: 2 });
    await client.next((m) => m.type === 'event' && m.seq === 2);
    expect(seqsOf(client.messages, 'custom:log')).toEqual([2]);
  });
});

describe('state channel snapshots', () => {
  it('sends a snapshot with the latest seq to a fresh subscriber, then live events', async () => {
    const git = fakeGitState();
    const sidecar = await start({ sources: [git] });
    sidecar.broadcaster.gitEvent('branch', { from: 'main', to: 'dev' });
    git.state = { branch: 'dev' };
    const client = await rawClient(sidecar);
    client.send({ type: 'subscribe', channel: 'git', id: 's' });
    const snapshot = await client.next((m) => m.type === 'snapshot');
    expect(snapshot).toMatchObject({ channel: 'git', data: { branch: 'dev' }, seq: 1 });
    await client.response('s');
    sidecar.broadcaster.gitEvent('branch', { from: 'dev', to: 'main' });
    expect(await client.next((m) => m.type === 'event')).toMatchObject({
      seq: 2,
      data: { to: 'main' },
    });
  });

  it('answers a resume with a gap by a snapshot instead of a partial replay', async () => {
    const git = fakeGitState();
    const sidecar = await start({ sources: [git], history: 2 });
    for (let i = 0; i < 5; i++)
      sidecar.broadcaster.gitEvent('commit', { sha: `${i}`, subject: 's', author: 'a' });
    const client = await rawClient(sidecar);
    sendResume(client, 'git', sidecar.epoch, 1);
    expect((await client.response('s')).result).toMatchObject({
      gaps: ['git'],
      replayed: { git: 0 },
    });
    expect(client.messages.filter((m) => m.type === 'snapshot')).toHaveLength(1);
    expect(seqsOf(client.messages, 'git')).toEqual([]);
  });

  it('replays a state channel without a snapshot when nothing was missed beyond the history', async () => {
    const git = fakeGitState();
    const sidecar = await start({ sources: [git] });
    for (let i = 0; i < 5; i++)
      sidecar.broadcaster.gitEvent('commit', { sha: `${i}`, subject: 's', author: 'a' });
    const client = await rawClient(sidecar);
    sendResume(client, 'git', sidecar.epoch, 3);
    expect((await client.response('s')).result).toMatchObject({ gaps: [], replayed: { git: 2 } });
    expect(client.messages.filter((m) => m.type === 'snapshot')).toHaveLength(0);
    expect(seqsOf(client.messages, 'git')).toEqual([4, 5]);
  });
});

describe('ordering under load', () => {
  it('a client that resubscribes at random points sees every seq exactly once, in order', async () => {
    const sidecar = await start({ history: 10_000 });
    const seen: number[] = [];
    let last = 0;
    const total = 3000;
    let emitted = 0;
    while (seen.length < total) {
      const client = await rawClient(sidecar);
      client.socket.on('message', (data) => {
        const message = JSON.parse(data.toString());
        if (message.type === 'event') {
          seen.push(message.seq);
          last = message.seq;
        }
      });
      sendResume(client, 'custom:load', sidecar.epoch, last);
      await client.response('s');
      // Emit a random burst, then kill the socket mid-stream.
      const burst = Math.min(total - emitted, 1 + Math.floor(Math.random() * 400));
      for (let i = 0; i < burst; i++)
        sidecar.broadcaster.emit('custom:load', 'n', { i: emitted++ });
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
      client.socket.terminate();
      if (emitted === total) {
        const final = await rawClient(sidecar);
        final.socket.on('message', (data) => {
          const message = JSON.parse(data.toString());
          if (message.type === 'event') seen.push(message.seq);
        });
        final.send({
          type: 'subscribe',
          channel: 'custom:load',
          since: { epoch: sidecar.epoch, seq: { 'custom:load': last } },
          id: 's',
        });
        await final.response('s');
        final.close();
        break;
      }
    }
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  });
});
