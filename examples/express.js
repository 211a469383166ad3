#!/usr/bin/env node
/**
 * Express 5 with the sidecar on the same port, under `/__sidecar`:
 *
 *   npm run build && node examples/express.js
 *
 * Then `curl http://127.0.0.1:3000/` is the app and `ws://127.0.0.1:3000/__sidecar/ws` (with the
 * token printed below) streams the workspace's events. Needs `npm install express`.
 */
import express from 'express';
import { sidecarExpress } from 'sidecar/express';

const sidecar = sidecarExpress({ root: process.cwd() });
const app = express();
app.use(sidecar.middleware); // first: before any body parser, `POST /__sidecar/publish` reads its own body
app.use(express.json());
app.get('/', (_request, response) => {
  response.send('the app\n');
});

const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
await sidecar.attach(server);
console.log(`app:     http://127.0.0.1:${sidecar.sidecar.port}/`);
console.log(`sidecar: ${sidecar.sidecar.wsUrl}  token: ${sidecar.sidecar.token}`);

process.once('SIGINT', async () => {
  await sidecar.close();
  server.close();
});
