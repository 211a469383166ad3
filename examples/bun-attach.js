#!/usr/bin/env bun
/**
 * An app on Bun with the sidecar on its own port: `node:http` serves the app, and the sidecar
 * answers WebSocket upgrades on /ws (and /healthz, /metrics, /publish) behind its token.
 *
 *   bun examples/bun-attach.js        # in this repository, after `npm install` (which builds)
 *
 * PORT (default 3000), SIDECAR_ROOT (default: the current folder) and SIDECAR_TOKEN (default: a
 * random one, printed) set it up. It prints `ready <wsUrl>`, and `closed` after SIGTERM.
 */
import { createServer } from 'node:http';
import { createSidecar } from 'sidecar';

const sidecar = createSidecar({
  root: process.env.SIDECAR_ROOT ?? process.cwd(),
  token: process.env.SIDECAR_TOKEN,
  logLevel: 'silent',
});
const server = createServer((req, res) => {
  if (sidecar.handleRequest(req, res)) return;
  res.end(`app on ${typeof Bun === 'undefined' ? 'node' : 'bun'}`);
});
server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
await sidecar.attach(server); // waits for 'listening', then starts the sources
console.log(`ready ${sidecar.wsUrl}`);
if (!process.env.SIDECAR_TOKEN) console.log(`token ${sidecar.token}`);

process.on('SIGTERM', async () => {
  await sidecar.close(); // clients get system/shutdown and close 1001; the app keeps its server
  server.close();
  console.log('closed');
});
