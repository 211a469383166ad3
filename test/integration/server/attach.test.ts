/**
 * A sidecar attached to an app's own `http.Server`: its URLs name the server's address, it
 * offers no dashboard URL (it serves no dashboard there), and the app's own WebSocket server
 * on the same port keeps its upgrades.
 */
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { createSidecar, type Sidecar } from '../../../src/app/sidecar.js';
import { connect, type SidecarClient } from '../../../src/client/index.js';
import { makeTempDir, TEST_TOKEN } from '../../support/server.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function appServer(): Promise<Server> {
  const server = createServer((_request, response) => response.end('the app'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return server;
}

async function attached(server: Server, host: string, prefix?: string): Promise<Sidecar> {
  const root = await makeTempDir();
  cleanups.push(() => rm(root, { recursive: true, force: true }));
  const sidecar = createSidecar({
    root,
    host,
    token: TEST_TOKEN,
    sources: [],
    logLevel: 'silent',
  });
  await sidecar.attach(server, { prefix });
  cleanups.push(() => sidecar.close());
  return sidecar;
}

describe('attach', () => {
  it("names the server's address, not the configured host, and no dashboard", async () => {
    const server = await appServer();
    const { port } = server.address() as AddressInfo;
    const sidecar = await attached(server, 'localhost');
    expect(sidecar.url).toBe(`http://127.0.0.1:${port}`);
    expect(sidecar.wsUrl).toBe(`ws://127.0.0.1:${port}/ws`);
    expect(sidecar.dashboardUrl).toBeNull();

    const client: SidecarClient = connect({
      url: sidecar.wsUrl,
      token: TEST_TOKEN,
      reconnect: false,
    });
    cleanups.push(() => client.close());
    await expect(client.request('server.info')).resolves.toMatchObject({ epoch: sidecar.epoch });
  });

  it("leaves the app's own WebSocket upgrades to the app", async () => {
    const server = await appServer();
    const own = new WebSocketServer({ server, path: '/app-socket' });
    own.on('connection', (socket) => socket.send('hello from the app'));
    cleanups.push(() => new Promise((resolve) => own.close(resolve)));
    const sidecar = await attached(server, '127.0.0.1');

    const socket = new WebSocket(`ws://127.0.0.1:${sidecar.port}/app-socket`);
    const [message] = (await once(socket, 'message')) as [Buffer];
    expect(message.toString()).toBe('hello from the app');
    socket.close();
  });

  it("under a prefix, moves its routes there and leaves the app's own /ws to the app", async () => {
    const server = await appServer();
    const own = new WebSocketServer({ noServer: true });
    own.on('connection', (socket) => socket.send('hello from the app'));
    server.on('upgrade', (request, socket, head) => {
      if (request.url === '/ws')
        own.handleUpgrade(request, socket, head, (ws) => own.emit('connection', ws));
    });
    cleanups.push(() => new Promise((resolve) => own.close(resolve)));
    const sidecar = await attached(server, '127.0.0.1', '/__sidecar/');
    expect(sidecar.wsUrl).toBe(`ws://127.0.0.1:${sidecar.port}/__sidecar/ws`);

    const socket = new WebSocket(`ws://127.0.0.1:${sidecar.port}/ws`);
    const [message] = (await once(socket, 'message')) as [Buffer];
    expect(message.toString()).toBe('hello from the app');
    socket.close();

    const client = connect({ url: sidecar.wsUrl, token: TEST_TOKEN, reconnect: false });
    cleanups.push(() => client.close());
    await expect(client.request('server.info')).resolves.toMatchObject({ epoch: sidecar.epoch });
  });

  it('refuses a prefix that is not a plain path, with a code', async () => {
    const server = await appServer();
    const sidecar = createSidecar({
      root: '.',
      token: TEST_TOKEN,
      sources: [],
      logLevel: 'silent',
    });
    await expect(sidecar.attach(server, { prefix: 'no-slash?x' })).rejects.toMatchObject({
      code: 'INVALID_PARAMS',
    });
  });
});
