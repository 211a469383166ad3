// @ts-check
/**
 * ai-response benchmark, two parts:
 *
 *   - relay: one producer publishes one stream of small chunks over the WebSocket (a window of
 *     publishes in flight), N subscribers receive it. Run on `ai-response`, where every publish
 *     passes the per-stream order check and is recorded for `ai.get`, and on `custom:bench`,
 *     the same path without them. Aim: ai-response delivered/s >= 0.9 of custom.
 *   - proxy: `ai.chat` against a local server that streams OpenAI chat.completion.chunk events
 *     as fast as it can; one subscriber receives the chunks. Compared with reading the same
 *     stream directly with fetch + eventsource-parser. Aim: >= 10,000 tokens/s through the
 *     sidecar, far above what a provider sends (tens to a few hundred tokens/s).
 *
 * Server and clients share this thread, so the figures include the clients' own cost.
 *
 *   npm run build && node bench/ai-stream.js [--subscribers 20] [--chunks 5000] [--tokens 5000]
 *     [--runs 3] [--json]                       (--help lists every flag)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createParser } from 'eventsource-parser';
import { WebSocket } from 'ws';
import { createAiSource, resolveAiOptions, startSidecar } from '../dist/index.js';
import { withTimeout } from './lib/async.js';
import { environment, helpText, parseFlags, runBenchmark } from './lib/cli.js';
import { formatCount, formatMs, formatTable, median } from './lib/stats.js';

const FLAGS = {
  subscribers: { description: 'relay: subscriber connections', default: 20, min: 1, max: 1000 },
  chunks: { description: 'relay: chunks in the stream', default: 5000, min: 1, max: 1e6 },
  size: { description: 'relay: characters per chunk', default: 20, min: 0, max: 65_536 },
  window: { description: 'relay: publishes in flight at most', default: 64, min: 1, max: 10_000 },
  tokens: { description: 'proxy: chunks the provider streams', default: 5000, min: 1, max: 1e6 },
  runs: { description: 'runs per target; medians are reported', default: 3, min: 1, max: 50 },
  timeout: { description: 'limit on any single wait, in seconds', default: 60, min: 1, max: 3600 },
};
const USAGE = 'node bench/ai-stream.js [flags]';

/** @param {WebSocket} socket @param {(message: any) => void} onMessage */
function onJson(socket, onMessage) {
  socket.on('message', (data) => onMessage(JSON.parse(data.toString())));
}

/** @param {string} url @param {string} token @returns {Promise<WebSocket>} */
function connect(url, token) {
  const socket = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * One relay run: resolves with the figures once every subscriber has every chunk.
 *
 * @param {{ wsUrl: string, token: string | null }} sidecar
 * @param {'ai-response' | 'custom:bench'} channel
 * @param {Record<keyof typeof FLAGS, number>} flags
 * @param {string} streamId
 */
async function relayRun(sidecar, channel, flags, streamId) {
  const token = sidecar.token ?? '';
  const subscribers = await Promise.all(
    Array.from({ length: flags.subscribers }, () => connect(sidecar.wsUrl, token)),
  );
  const producer = await connect(sidecar.wsUrl, token);
  let complete = 0;
  /** @type {() => void} */
  let allReceived = () => {};
  const received = new Promise((resolve) => {
    allReceived = () => resolve(undefined);
  });
  await Promise.all(
    subscribers.map(
      (socket) =>
        new Promise((subscribed) => {
          let count = 0;
          onJson(socket, (message) => {
            if (message.type === 'response') subscribed(undefined);
            if (message.type !== 'event' || message.data?.id !== streamId) return;
            if (++count === flags.chunks && ++complete === flags.subscribers) allReceived();
          });
          socket.send(JSON.stringify({ type: 'subscribe', channels: [channel], id: 's' }));
        }),
    ),
  );
  const text = 'x'.repeat(flags.size);
  let sent = 0;
  const sendNext = () => {
    const index = sent++;
    const last = index === flags.chunks - 1;
    const data = { id: streamId, chunk: text, index, finished: last };
    const event = last ? 'done' : 'chunk';
    producer.send(JSON.stringify({ type: 'publish', id: `p${index}`, channel, event, data }));
  };
  onJson(producer, (message) => {
    if (message.type !== 'response') return;
    if (message.error) throw new Error(`publish refused: ${message.error.message}`);
    if (sent < flags.chunks) sendNext();
  });
  const startedAt = performance.now();
  for (let i = 0; i < Math.min(flags.window, flags.chunks); i++) sendNext();
  await withTimeout(received, flags.timeout * 1000, `for ${channel} to reach every subscriber`);
  const seconds = (performance.now() - startedAt) / 1000;
  for (const socket of [...subscribers, producer]) socket.terminate();
  return {
    delivered: (flags.chunks * flags.subscribers) / seconds,
    published: flags.chunks / seconds,
  };
}

/**
 * The body a provider streams: `tokens` chunk events, a finish, usage, [DONE].
 * @param {number} tokens
 */
function openAiBody(tokens) {
  const chunk = (/** @type {unknown[]} */ choices, /** @type {unknown} */ usage) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: 'bench', choices, usage })}\n\n`;
  const parts = [];
  for (let i = 0; i < tokens; i++) {
    parts.push(chunk([{ index: 0, delta: { content: ' tok' }, finish_reason: null }], null));
  }
  parts.push(chunk([{ index: 0, delta: {}, finish_reason: 'stop' }], null));
  parts.push(chunk([], { prompt_tokens: 1, completion_tokens: tokens, total_tokens: tokens + 1 }));
  parts.push('data: [DONE]\n\n');
  return parts;
}

/**
 * A local provider that writes each event as its own write, as fast as the socket takes it.
 * @param {number} tokens
 */
async function startProvider(tokens) {
  const parts = openAiBody(tokens);
  const server = createServer(async (request, response) => {
    for await (const _ of request);
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const part of parts) {
      if (!response.write(part)) await new Promise((resolve) => response.once('drain', resolve));
    }
    response.end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return { server, baseUrl: `http://127.0.0.1:${address.port}/v1` };
}

/**
 * Reads the provider's stream directly: the floor the proxy is compared with.
 * @param {string} baseUrl
 * @param {{ tokens: number }} flags
 */
async function directRun(baseUrl, flags) {
  const startedAt = performance.now();
  let firstAt = 0;
  let count = 0;
  const response = await fetch(`${baseUrl}/chat/completions`, { method: 'POST', body: '{}' });
  const parser = createParser({
    onEvent(event) {
      if (event.data === '[DONE]') return;
      const text = JSON.parse(event.data).choices[0]?.delta?.content;
      if (text && count++ === 0) firstAt = performance.now();
    },
  });
  const decoder = new TextDecoder();
  // Node's fetch body is an async iterable; the DOM typings do not say so.
  const body = /** @type {AsyncIterable<Uint8Array>} */ (/** @type {unknown} */ (response.body));
  for await (const bytes of body) {
    parser.feed(decoder.decode(bytes, { stream: true }));
  }
  if (count !== flags.tokens) throw new Error(`direct read got ${count} chunks`);
  return { ms: performance.now() - startedAt, firstMs: firstAt - startedAt };
}

/**
 * One `ai.chat` through the sidecar, timed from the request to the `done` event.
 * @param {import('../dist/index.js').Sidecar} sidecar
 * @param {{ tokens: number, timeout: number }} flags
 */
async function proxyRun(sidecar, flags) {
  const socket = await connect(sidecar.wsUrl, sidecar.token ?? '');
  let count = 0;
  let firstAt = 0;
  let startedAt = 0;
  const done = new Promise((resolve, reject) => {
    onJson(socket, (message) => {
      if (message.type === 'response' && message.id === 'sub') {
        startedAt = performance.now();
        const params = { messages: [{ role: 'user', content: 'go' }] };
        socket.send(JSON.stringify({ type: 'request', id: 'chat', method: 'ai.chat', params }));
      }
      if (message.type === 'response' && message.error) reject(new Error(message.error.message));
      if (message.type !== 'event') return;
      if (message.event === 'chunk' && count++ === 0) firstAt = performance.now();
      if (message.event === 'error') reject(new Error(message.data.error.message));
      if (message.event === 'done') resolve(performance.now());
    });
  });
  socket.send(JSON.stringify({ type: 'subscribe', channels: ['ai-response'], id: 'sub' }));
  const endedAt = await withTimeout(done, flags.timeout * 1000, 'for ai.chat to finish');
  socket.terminate();
  if (count !== flags.tokens) throw new Error(`ai.chat delivered ${count} chunks`);
  return { ms: /** @type {number} */ (endedAt) - startedAt, firstMs: firstAt - startedAt };
}

async function main() {
  const { values: flags, json, help } = parseFlags(process.argv.slice(2), FLAGS);
  if (help) {
    process.stdout.write(`${helpText(USAGE, FLAGS)}\n`);
    return;
  }
  const root = await mkdtemp(join(tmpdir(), 'sidecar-bench-ai-'));
  const provider = await startProvider(flags.tokens);
  const ai = resolveAiOptions(
    {
      providers: [
        { name: 'bench', type: 'openai-compatible', baseUrl: provider.baseUrl, model: 'bench' },
      ],
      maxStreams: 1000,
    },
    {},
  );
  const sidecar = await startSidecar({
    root,
    port: 0,
    logLevel: 'silent',
    rateLimit: 0,
    sources: [createAiSource(ai)],
  });
  /** @type {Record<string, { delivered: number[], published: number[] }>} */
  const relay = {
    'ai-response': { delivered: [], published: [] },
    'custom:bench': { delivered: [], published: [] },
  };
  /** @type {Record<string, { ms: number[], firstMs: number[] }>} */
  const proxy = { direct: { ms: [], firstMs: [] }, 'ai.chat': { ms: [], firstMs: [] } };
  try {
    for (let run = 0; run < flags.runs; run++) {
      // Alternate which goes first, so drift favours neither.
      const order =
        run % 2 === 0 ? ['ai-response', 'custom:bench'] : ['custom:bench', 'ai-response'];
      for (const channel of /** @type {('ai-response' | 'custom:bench')[]} */ (order)) {
        const figures = await relayRun(sidecar, channel, flags, `bench-${run}`);
        relay[channel]?.delivered.push(figures.delivered);
        relay[channel]?.published.push(figures.published);
      }
      for (const [path, measure] of /** @type {const} */ ([
        ['direct', () => directRun(provider.baseUrl, flags)],
        ['ai.chat', () => proxyRun(sidecar, flags)],
      ])) {
        const figures = await measure();
        proxy[path]?.ms.push(figures.ms);
        proxy[path]?.firstMs.push(figures.firstMs);
      }
      if (!json) process.stderr.write(`run ${run + 1}/${flags.runs} done\n`);
    }
  } finally {
    await sidecar.close();
    await new Promise((resolve) => provider.server.close(() => resolve(undefined)));
    await rm(root, { recursive: true, force: true });
  }

  const relayRows = Object.entries(relay).map(([name, r]) => ({
    name,
    delivered: median(r.delivered),
    published: median(r.published),
  }));
  const proxyRows = Object.entries(proxy).map(([name, p]) => ({
    name,
    tokensPerSecond: flags.tokens / (median(p.ms) / 1000),
    firstMs: median(p.firstMs),
    totalMs: median(p.ms),
  }));
  const ratio = (relayRows[0]?.delivered ?? 0) / (relayRows[1]?.delivered ?? 1);
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ flags, environment: environment(), relay, proxy, relayRows, proxyRows, ratio })}\n`,
    );
    return;
  }
  const env = environment();
  const lines = [
    `ai-stream: relay ${flags.chunks} chunks of ${flags.size} characters to ${flags.subscribers} subscribers (window ${flags.window}); proxy ${flags.tokens} chunks; median of ${flags.runs} run(s)`,
    `command: ${env.command}`,
    `node ${env.node}, ${env.platform}, ${env.cpu}, ${env.cores} cores`,
    '',
    formatTable(
      ['relay', 'delivered/s', 'published/s'],
      relayRows.map((r) => [r.name, formatCount(r.delivered), formatCount(r.published)]),
    ),
    `ai-response / custom: ${ratio.toFixed(2)} (aim >= 0.90)`,
    '',
    formatTable(
      ['proxy', 'tokens/s', 'first chunk ms', 'total ms'],
      proxyRows.map((p) => [
        p.name,
        formatCount(p.tokensPerSecond),
        formatMs(p.firstMs),
        formatMs(p.totalMs),
      ]),
    ),
    'aim: ai.chat >= 10,000 tokens/s',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await runBenchmark(main);
