#!/usr/bin/env node
/**
 * Fastify 5 with the sidecar on the same port, under `/__sidecar`:
 *
 *   npm run build && node examples/fastify.js
 *
 * The plugin attaches when the app listens and closes with it. Needs `npm install fastify`.
 */
import Fastify from 'fastify';
import { sidecarFastify } from 'sidecar/fastify';

const app = Fastify();
await app.register(sidecarFastify, { root: process.cwd() });
app.get('/', async () => 'the app\n');

await app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' });
console.log(`app:     http://127.0.0.1:${app.sidecar.sidecar.port}/`);
console.log(`sidecar: ${app.sidecar.sidecar.wsUrl}  token: ${app.sidecar.sidecar.token}`);

process.once('SIGINT', () => app.close());
