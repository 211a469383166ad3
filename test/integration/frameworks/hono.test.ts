/** Hono on `@hono/node-server` with the sidecar under `/__sidecar`: a real server on port 0. */
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterEach, describe, it } from 'vitest';
import { sidecarHono } from '../../../src/integrations/hono.js';
import { makeTempDir, TEST_TOKEN } from '../../support/server.js';
import { APP_REPLY, APP_ROUTE, addAppSocket, checkEmbedding } from './embedding.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('sidecar/hono', () => {
  it("serves the sidecar under its prefix beside the app's routes and sockets", async () => {
    const root = await makeTempDir();
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    const sidecar = sidecarHono({ root, token: TEST_TOKEN, sources: [], logLevel: 'silent' });
    const app = new Hono();
    app.use(sidecar.middleware);
    app.get(APP_ROUTE, (context) => context.text(APP_REPLY));

    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    if (!server.listening) await once(server, 'listening');
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    cleanups.push(addAppSocket(server));
    await sidecar.attach(server);
    cleanups.push(() => sidecar.close());

    const { port } = server.address() as AddressInfo;
    await checkEmbedding(`http://127.0.0.1:${port}`, sidecar.sidecar.wsUrl);
  });
});
