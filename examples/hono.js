#!/usr/bin/env node
/**
 * Hono on `@hono/node-server` with the sidecar on the same port, under `/__sidecar`:
 *
 *   npm run build && node examples/hono.js
 *
 * Needs `npm install hono @hono/node-server`.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { sidecarHono } from 'sidecar/hono';

const sidecar = sidecarHono({ root: process.cwd() });
const app = new Hono();
app.use(sidecar.middleware);
app.get('/', (context) => context.text('the app\n'));

const server = serve({
  fetch: app.fetch,
  port: Number(process.env.PORT ?? 3000),
  hostname: '127.0.0.1',
});
await sidecar.attach(server);
console.log(`app:     http://127.0.0.1:${sidecar.sidecar.port}/`);
console.log(`sidecar: ${sidecar.sidecar.wsUrl}  token: ${sidecar.sidecar.token}`);

process.once('SIGINT', async () => {
  await sidecar.close();
  server.close();
});
