/**
 * `client.provide`: a real sidecar, real clients; one provides a method, another calls it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  type ConnectOptions,
  connect,
  isSidecarClientError,
  type SidecarClient,
  type WebSocketConstructor,
} from '../../../src/client/index.js';
import { TEST_TOKEN, useTestSidecars, waitFor } from '../../support/server.js';

const start = useTestSidecars();
let clients: SidecarClient[] = [];
afterEach(async () => {
  await Promise.all(clients.map((client) => client.close()));
  clients = [];
});

function open(url: string, options: Partial<ConnectOptions> = {}): SidecarClient {
  const client = connect({
    url,
    token: TEST_TOKEN,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    reconnect: { initialDelayMs: 10, maxDelayMs: 50 },
    ...options,
  });
  clients.push(client);
  return client;
}

describe('client.provide', () => {
  it('answers other clients’ requests, with results and coded errors', async () => {
    const sidecar = await start();
    const provider = open(sidecar.wsUrl);
    const requester = open(sidecar.wsUrl);
    await requester.ready();
    const seen: unknown[] = [];
    const provision = await provider.provide('custom.add', (params, { from }) => {
      seen.push(from.clientId);
      const { a, b } = params as { a: number; b: number };
      if (typeof a !== 'number') throw { code: 'INVALID_PARAMS', message: 'a must be a number' };
      if (a < 0) throw new Error('negative');
      return a + b;
    });
    expect(await requester.request('custom.add', { a: 2, b: 3 })).toBe(5);
    expect(seen).toEqual([requester.clientId]);
    await expect(requester.request('custom.add', { a: 'x' })).rejects.toMatchObject({
      code: 'INVALID_PARAMS',
      message: 'a must be a number',
    });
    await expect(requester.request('custom.add', { a: -1, b: 0 })).rejects.toMatchObject({
      code: 'HANDLER_ERROR',
      message: 'negative',
    });
    const info = await requester.request('server.info');
    expect(info.providers).toEqual([{ method: 'custom.add', clientId: provider.clientId }]);

    await provision.dispose();
    await expect(requester.request('custom.add', { a: 1, b: 1 })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
  });

  it('rejects a taken method, or waits for it with waitIfTaken', async () => {
    const sidecar = await start();
    const first = open(sidecar.wsUrl);
    const second = open(sidecar.wsUrl);
    const requester = open(sidecar.wsUrl);
    await first.provide('editor.reveal', () => 'first');
    const refused = await second.provide('editor.reveal', () => 'second').catch((e: unknown) => e);
    expect(isSidecarClientError(refused, 'FORBIDDEN')).toBe(true);
    await expect(second.provide('git.status', () => null)).rejects.toMatchObject({
      code: 'INVALID_PARAMS',
    });

    const waiting = second.provide('editor.reveal', () => 'second', { waitIfTaken: true });
    await waiting;
    await first.close();
    await waitFor(
      async () =>
        (await requester.request('editor.reveal', { file: 'x' }).catch(() => null)) === 'second',
      { message: 'the second client to take editor.reveal over' },
    );
  });

  it('aborts the handler when the requester aborts, and provides again after a reconnect', async () => {
    const sidecar = await start();
    const sockets: WebSocket[] = [];
    class Recording extends WebSocket {
      constructor(url: string, options?: WebSocket.ClientOptions) {
        super(url, options);
        sockets.push(this);
      }
    }
    const provider = open(sidecar.wsUrl, {
      WebSocket: Recording as unknown as WebSocketConstructor,
    });
    const requester = open(sidecar.wsUrl);
    let aborted: unknown;
    let started = 0;
    await provider.provide('custom.wait', (_params, { signal }) => {
      started++;
      return new Promise((resolve) => {
        signal.addEventListener('abort', () => {
          aborted = signal.reason;
          resolve(null);
        });
      });
    });
    const controller = new AbortController();
    const call = requester.request('custom.wait', undefined, { signal: controller.signal });
    await waitFor(() => started === 1, { message: 'the handler to start' });
    controller.abort(new Error('not needed'));
    await expect(call).rejects.toThrow('not needed');
    await waitFor(() => aborted, { message: 'the provider’s handler to be aborted' });
    expect(aborted).toMatchObject({ code: 'CANCELLED' });

    sockets[0]!.terminate();
    await waitFor(() => sockets.length === 2 && provider.state === 'open', {
      message: 'the provider to reconnect',
    });
    await waitFor(
      async () => {
        const info = await requester.request('server.info');
        return info.providers.some((p) => p.clientId === provider.clientId);
      },
      { message: 'the method to be provided again' },
    );
  });
});
