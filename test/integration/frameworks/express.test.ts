/** Express 5 with the sidecar under `/__sidecar`: a real Express app on port 0. */
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { sidecarExpress } from '../../../src/integrations/express.js';
import { readDiscovery } from '../../../src/server/discovery.js';
import { makeTempDir, TEST_TOKEN } from '../../support/server.js';
import { APP_REPLY, APP_ROUTE, addAppSocket, checkEmbedding } from './embedding.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('sidecar/express', () => {
  it("serves the sidecar under its prefix beside the app's routes and sockets", async () => {
    const root = await makeTempDir();
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    const discoveryDir = await makeTempDir();
    cleanups.push(() => rm(discoveryDir, { recursive: true, force: true }));
    const sidecar = sidecarExpress({
      root,
      token: TEST_TOKEN,
      sources: [],
      logLevel: 'silent',
      discovery: { dir: discoveryDir },
    });
    const app = express();
    app.use(sidecar.middleware);
    // A body parser after the sidecar's middleware leaves its `/publish` body alone.
    app.use(express.json());
    app.get(APP_ROUTE, (_request, response) => {
      response.send(APP_REPLY);
    });

    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    cleanups.push(addAppSocket(server));
    await sidecar.attach(server);
    cleanups.push(() => sidecar.close());

    const { port } = server.address() as AddressInfo;
    await checkEmbedding(`http://127.0.0.1:${port}`, sidecar.sidecar.wsUrl);
    // Tools that find the sidecar through its discovery file reach it under the prefix.
    const record = await readDiscovery(root, discoveryDir);
    expect(record?.url).toBe(`http://127.0.0.1:${port}/__sidecar`);
    expect(record?.wsUrl).toBe(sidecar.sidecar.wsUrl);
  });
});
