/** Fastify 5 with the sidecar under `/__sidecar`: a real Fastify app on port 0. */
import { rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { afterEach, describe, it } from 'vitest';
import { sidecarFastify } from '../../../src/integrations/fastify.js';
import { makeTempDir, TEST_TOKEN } from '../../support/server.js';
import { APP_REPLY, APP_ROUTE, addAppSocket, checkEmbedding } from './embedding.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('sidecar/fastify', () => {
  it("serves the sidecar under its prefix beside the app's routes and sockets", async () => {
    const root = await makeTempDir();
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    const app = Fastify();
    cleanups.push(() => app.close());
    await app.register(sidecarFastify, {
      root,
      token: TEST_TOKEN,
      sources: [],
      logLevel: 'silent',
    });
    app.get(APP_ROUTE, async () => APP_REPLY);
    cleanups.push(addAppSocket(app.server));

    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    await checkEmbedding(`http://127.0.0.1:${port}`, app.sidecar.sidecar.wsUrl);
  });
});
