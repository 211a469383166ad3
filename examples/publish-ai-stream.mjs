#!/usr/bin/env node
/**
 * A producer: publishes one AI answer on `ai-response`, piece by piece, the way an agent or a
 * CLI streams its output to every panel following the sidecar. It uses `POST /publish`, so it
 * needs nothing but Node 20.
 *
 *   npx sidecar serve                                     # in one terminal
 *   node examples/publish-ai-stream.mjs "Some answer"     # in another, in the same folder
 *
 * It finds the sidecar of the current folder through its discovery file (run `npm run build`
 * once in this repository), or uses SIDECAR_URL and SIDECAR_TOKEN when they are set.
 * DELAY_MS sets the pause between pieces (default 80).
 */
import { randomUUID } from 'node:crypto';

const text =
  process.argv[2] ??
  'Streaming an answer piece by piece lets every panel show it while it is being written.';
const delayMs = Number(process.env.DELAY_MS ?? 80);

const target = await findSidecar();
const id = `example-${randomUUID()}`;
// Word by word, spaces kept, so the pieces join back into the exact text.
const pieces = text.match(/\S+\s*|\s+/g) ?? [];

/** One publish; the sidecar refuses an index out of order with INVALID_PARAMS. */
async function publish(event, data) {
  const response = await fetch(`${target.url}/publish`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(target.token ? { authorization: `Bearer ${target.token}` } : {}),
    },
    body: JSON.stringify({ channel: 'ai-response', event, data }),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`${body.error.code}: ${body.error.message}`);
  return body.seq;
}

let next = 0; // the index the sidecar expects next
try {
  for (const chunk of pieces) {
    await publish('chunk', { id, chunk, index: next, finished: false });
    next++;
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
  // `done` is the stream's last event and takes the next index.
  await publish('done', { id, chunk: '', index: next, finished: true, stopReason: 'end' });
  console.log(`published ${id}: ${pieces.length} chunks, then done`);
} catch (error) {
  console.error(`publishing failed: ${error.message}`);
  // End the stream with an error event, so panels need not wait for the silence timeout.
  const failure = { code: 'HANDLER_ERROR', message: 'the producer stopped' };
  await publish('error', { id, chunk: '', index: next, finished: true, error: failure }).catch(
    () => undefined,
  );
  process.exitCode = 1;
}

async function findSidecar() {
  if (process.env.SIDECAR_URL) {
    return { url: process.env.SIDECAR_URL.replace(/\/+$/, ''), token: process.env.SIDECAR_TOKEN };
  }
  const { readDiscovery } = await import('../dist/index.js');
  const running = await readDiscovery(process.cwd());
  if (!running) {
    console.error('no sidecar runs for this folder: start `npx sidecar serve`, or set SIDECAR_URL');
    process.exit(1);
  }
  return { url: running.url, token: running.token };
}
