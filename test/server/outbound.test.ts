/**
 * The send path's accounting on a real loopback WebSocket: what a connection is charged, and
 * when it is closed or its replay is let go on.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import {
  createFlow,
  createOutbound,
  FRAME_OVERHEAD,
  type OutboundConnection,
} from '../../src/server/outbound.js';
import { waitFor } from '../support/server.js';

const BUDGET = 64 * 1024;

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

/** A server-side connection and the `ws` client at the other end of it. */
async function connectionPair(): Promise<{ connection: OutboundConnection; client: WebSocket }> {
  const server: Server = createServer();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const accepted = new Promise<OutboundConnection>((resolve) => {
    server.on('upgrade', (request, socket: Duplex, head) =>
      wss.handleUpgrade(request, socket, head, (ws) =>
        resolve({ socket: ws, transport: socket, closing: false, flow: createFlow() }),
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  cleanups.push(() => {
    client.terminate();
    wss.close();
    server.close();
  });
  const connection = await accepted;
  await new Promise((resolve) => client.once('open', resolve));
  return { connection, client };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('outbound accounting', () => {
  it('charges each unwritten frame an overhead, and nothing once the client has read it', async () => {
    const { connection, client } = await connectionPair();
    const outbound = createOutbound({
      highWaterMark: BUDGET,
      onSlowConsumer: () => expect.fail('a reading client is not a slow consumer'),
      onSent: () => {},
    });
    let received = 0;
    client.on('message', () => received++);
    const frame = Buffer.from(JSON.stringify({ type: 'event', data: 0 }));
    // One tick's frames are corked together: none is written yet.
    for (let i = 0; i < 50; i++) outbound.sendFrame(connection, frame);
    expect(outbound.queuedBytes(connection)).toBe(
      connection.socket.bufferedAmount + 50 * FRAME_OVERHEAD,
    );
    expect(outbound.queuedBytes(connection)).toBeGreaterThan(50 * (frame.length + FRAME_OVERHEAD));
    await waitFor(() => received === 50, { message: 'the client to read every frame' });
    await waitFor(() => outbound.queuedBytes(connection) === 0, {
      message: 'the charge to go back to zero',
    });
  });

  it('closes a client that stopped reading tiny frames when they and their overhead pass the budget', async () => {
    const { connection, client } = await connectionPair();
    let closedAt: number | undefined;
    const outbound = createOutbound({
      highWaterMark: BUDGET,
      onSlowConsumer: () => {
        closedAt ??= connection.socket.bufferedAmount;
      },
      onSent: () => {},
    });
    client.pause();
    const frame = Buffer.from('{"type":"event","channel":"custom:t","event":"t","data":0}');
    // Enough to fill the kernel's buffers first; the queue grows after that.
    for (let i = 0; i < 200_000 && closedAt === undefined; i++) {
      outbound.sendFrame(connection, frame);
      if (i % 100 === 99) await tick();
    }
    expect(closedAt).toBeDefined();
    // Counting bytes alone, the client would hold a whole budget of tiny frames.
    expect(closedAt).toBeLessThan(BUDGET / 2);
  });

  it('lets a replay queue up to half the budget, and goes on as the client reads', async () => {
    const { connection, client } = await connectionPair();
    const outbound = createOutbound({
      highWaterMark: BUDGET,
      onSlowConsumer: () => expect.fail('a paced replay never closes the client'),
      onSent: () => {},
    });
    client.pause();
    let received = 0;
    client.on('message', () => received++);
    // Far more than the kernel's buffers take.
    const frames = 10_000;
    const frame = Buffer.from(JSON.stringify({ type: 'event', data: 'r'.repeat(1000) }));
    let sent = 0;
    const replay = () => {
      while (sent < frames && outbound.hasReplayRoom(connection)) {
        outbound.sendReplayFrame(connection, frame);
        sent++;
      }
      if (sent < frames) outbound.whenReplayRoom(connection, replay);
    };
    replay();
    await waitFor(() => outbound.queuedBytes(connection) >= BUDGET / 2, {
      message: 'the replay to wait for the client',
    });
    expect(sent).toBeLessThan(frames);
    client.resume();
    await waitFor(() => received === frames, { message: 'the whole replay' });
    expect(connection.flow.peak).toBeLessThan(BUDGET / 2 + frame.length + FRAME_OVERHEAD);
    await waitFor(() => outbound.queuedBytes(connection) === 0, { message: 'an empty queue' });
  });
});
