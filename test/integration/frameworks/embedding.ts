/**
 * What every framework adapter must keep, checked the same way for each: the app's route and
 * its own WebSocket answer as before; the sidecar answers under its prefix, behind its token.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import { expect } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { connect } from '../../../src/client/index.js';
import type { Channel } from '../../../src/protocol/index.js';
import { TEST_TOKEN } from '../../support/server.js';

export const APP_ROUTE = '/hello';
export const APP_REPLY = 'hello from the app';
const APP_SOCKET = '/app-socket';

/**
 * The app's own `ws` server on the same port, shared the way `ws` documents it (`noServer`
 * and an `upgrade` listener of its own for its path).
 */
export function addAppSocket(server: Server): () => Promise<void> {
  const own = new WebSocketServer({ noServer: true });
  own.on('connection', (socket) => socket.send('hello from the app socket'));
  server.on('upgrade', (request, socket, head) => {
    if (request.url !== APP_SOCKET) return;
    own.handleUpgrade(request, socket, head, (ws) => own.emit('connection', ws, request));
  });
  return () => new Promise((resolve) => own.close(() => resolve()));
}

/** Runs every check against an app listening at `base` with the sidecar under `/__sidecar`. */
export async function checkEmbedding(base: string, wsUrl: string): Promise<void> {
  expect(wsUrl).toBe(`${base.replace('http', 'ws')}/__sidecar/ws`);

  const app = await fetch(`${base}${APP_ROUTE}`);
  expect(await app.text()).toBe(APP_REPLY);

  const health = await fetch(`${base}/__sidecar/healthz`);
  expect(await health.json()).toEqual({ status: 'ok' });

  const anonymous = await publish(base, undefined);
  expect(anonymous.status).toBe(401);

  const refused = new WebSocket(wsUrl);
  const [request, response] = (await once(refused, 'unexpected-response')) as [
    { destroy(): void },
    { statusCode: number },
  ];
  expect(response.statusCode).toBe(401);
  request.destroy();

  const appSocket = new WebSocket(`${base.replace('http', 'ws')}${APP_SOCKET}`);
  const [greeting] = (await once(appSocket, 'message')) as [Buffer];
  expect(greeting.toString()).toBe('hello from the app socket');
  appSocket.close();

  const client = connect({ url: wsUrl, token: TEST_TOKEN, reconnect: false });
  try {
    const received = new Promise<unknown>((resolve) =>
      client.subscribe('custom:embed' as Channel, (message) => {
        if (message.type === 'event') resolve(message.data);
      }),
    );
    // A request waits for the subscribe to be answered: the event cannot come too early.
    await client.request('server.info');
    const published = await publish(base, TEST_TOKEN);
    expect(published.status).toBe(200);
    expect(await received).toEqual({ hello: 'embedded' });
  } finally {
    client.close();
  }
}

function publish(base: string, token: string | undefined): Promise<Response> {
  return fetch(`${base}/__sidecar/publish`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({
      channel: 'custom:embed',
      event: 'greeting',
      data: { hello: 'embedded' },
    }),
  });
}
