/**
 * Seeded fuzzing of what producers and clients can send: hostile WebSocket frames and
 * `POST /publish` bodies. Whatever arrives, the server answers with a protocol error code (never
 * HANDLER_ERROR), keeps running, numbers a bystander's channels without holes, and stays within
 * its own memory bounds.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Sidecar } from '../../../src/app/sidecar.js';
import { createLogger } from '../../../src/core/logger.js';
import {
  BUILTIN_CHANNELS,
  ERROR_CODES,
  type EventMessage,
  type ServerMessage,
} from '../../../src/protocol/index.js';
import { HISTORY_MAX_BYTES_PER_CHANNEL } from '../../../src/server/broadcaster.js';
import { createAiSource } from '../../../src/sources/ai/index.js';
import { resolveAiOptions } from '../../../src/sources/ai/provider-config.js';
import { type RawClient, rawClient, TEST_TOKEN, useTestSidecars } from '../../support/server.js';

const start = useTestSidecars();

/** Fixed, so that a failure reproduces; fast-check prints the shrunk counterexample. */
const SEED = 1_212_024;
const HISTORY = 50;
const MAX_PAYLOAD = 256 * 1024;
const WATCHED = ['custom:fuzz', 'ai-response'] as const;

/** Arrays nested `levels` deep, as text: JSON.stringify would overflow on the deepest. */
const nestedArrays = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

const channelName = fc.oneof(
  fc.constantFrom(...WATCHED, ...BUILTIN_CHANNELS, 'custom:', 'custom:a/b', 'nope'),
  fc.stringMatching(/^custom:[a-z]{1,2}$/),
  fc.string({ maxLength: 140 }),
);
const eventName = fc.oneof(
  fc.constantFrom('chunk', 'done', 'error', 'step'),
  fc.string({ maxLength: 140 }),
);
/** `ai-response` chunks: mostly well formed (so streams advance), some broken. */
const aiChunkLike = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record(
      {
        id: fc.stringMatching(/^s[0-4]$/),
        chunk: fc.string({ unit: 'binary', maxLength: 20 }),
        index: fc.integer({ min: 0, max: 1 }),
        finished: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, fc.constant(true)),
        extra: fc.jsonValue({ maxDepth: 3 }),
      },
      { requiredKeys: ['id', 'chunk', 'index', 'finished'] },
    ),
  },
  fc.record(
    {
      id: fc.constantFrom('s1', '', 'x'.repeat(300)),
      chunk: fc.oneof(fc.string({ maxLength: 5 }), fc.integer()),
      index: fc.oneof(fc.integer({ min: -1, max: 4 }), fc.double()),
      finished: fc.oneof(fc.boolean(), fc.constant('yes')),
    },
    { requiredKeys: [] },
  ),
);
const hostileValue = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  aiChunkLike,
);
/**
 * How deep to nest a spliced-in `data`, when at all: around the limit, and past the depth at
 * which JSON.stringify overflows the call stack (some thousands of levels).
 */
const deepData = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.integer({ min: 120, max: 140 }) },
  { weight: 1, arbitrary: fc.integer({ min: 6_000, max: 10_000 }) },
);

const messageFields = fc.record(
  {
    type: fc.oneof(
      fc.constantFrom('subscribe', 'unsubscribe', 'request', 'publish', 'ping', 'pong'),
      fc.jsonValue({ maxDepth: 1 }),
    ),
    channel: fc.oneof(channelName, fc.jsonValue({ maxDepth: 1 })),
    channels: fc.oneof(fc.array(channelName, { maxLength: 70 }), fc.jsonValue({ maxDepth: 2 })),
    event: fc.oneof(eventName, fc.jsonValue({ maxDepth: 1 })),
    data: hostileValue,
    method: fc.constantFrom('server.info', 'ai.get', 'ai.chat', 'ai.cancel', 'ai.models', 'nope'),
    params: hostileValue,
    since: fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.record({
        epoch: fc.string({ maxLength: 70 }),
        seq: fc.dictionary(channelName, fc.oneof(fc.integer(), fc.double())),
      }),
    ),
    timestamp: fc.jsonValue({ maxDepth: 1 }),
  },
  { requiredKeys: ['type'] },
);

type Probe =
  /** A message object; sent with a fresh valid id (answered by a response) or a hostile one. */
  | { kind: 'message'; fields: Record<string, unknown>; deep: number | null; badId?: unknown }
  /** Text that is not a JSON object. */
  | { kind: 'garbage'; text: string }
  | { kind: 'binary'; bytes: Uint8Array }
  | { kind: 'http'; body: Record<string, unknown> | string; deep: number | null };

const probe: fc.Arbitrary<Probe> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('message' as const),
      fields: messageFields,
      deep: deepData,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('message' as const),
      fields: fc.record({
        type: fc.constant('publish'),
        channel: fc.constant('custom:fuzz'),
        event: eventName,
        data: hostileValue,
      }),
      deep: deepData,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('message' as const),
      fields: fc.record({
        type: fc.constant('publish'),
        channel: fc.constant('ai-response'),
        event: fc.oneof({ weight: 4, arbitrary: fc.constant('chunk') }, eventName),
        data: fc.oneof({ weight: 4, arbitrary: aiChunkLike }, hostileValue),
      }),
      deep: deepData,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('message' as const),
      fields: messageFields,
      deep: fc.constant(null),
      badId: fc
        .oneof(fc.integer(), fc.constant(''), fc.constant('i'.repeat(129)), fc.jsonValue())
        .filter((value) => typeof value !== 'string' || value.length === 0 || value.length > 128),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('garbage' as const),
      text: fc.oneof(
        fc.string({ unit: 'binary', maxLength: 80 }).map((text) => `\u0001${text}`),
        fc.jsonValue().map((value) => JSON.stringify(Array.isArray(value) ? value : [value])),
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('binary' as const),
      bytes: fc.uint8Array({ maxLength: 64 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('http' as const),
      body: fc.oneof(
        fc.record(
          {
            channel: fc.oneof(channelName, fc.constantFrom(...WATCHED)),
            event: eventName,
            data: hostileValue,
          },
          { requiredKeys: [] },
        ),
        fc.string({ unit: 'binary', maxLength: 80 }),
        fc.constant('x'.repeat(MAX_PAYLOAD + 1)),
      ),
      deep: deepData,
    }),
  },
);

/**
 * The JSON text of `fields`, with arrays nested `deep` levels spliced in as `data`, or as
 * `data.extra` when `data` is an object (an `ai-response` chunk with a deep extra field).
 */
function withDeepData(fields: Record<string, unknown>, deep: number | null): string {
  if (deep === null) return JSON.stringify(fields);
  const { data, ...rest } = fields;
  const nested = nestedArrays(deep);
  const isObject = typeof data === 'object' && data !== null && !Array.isArray(data);
  return spliceField(rest, 'data', isObject ? spliceField(data, 'extra', nested) : nested);
}

/** `object` as JSON text with `key` set to the (already JSON) `valueText`. */
function spliceField(object: object, key: string, valueText: string): string {
  const { [key]: _replaced, ...others } = object as Record<string, unknown>;
  const head = JSON.stringify(others).slice(0, -1);
  return `${head}${head.length > 1 ? ',' : ''}${JSON.stringify(key)}:${valueText}}`;
}

const seqsOf = (messages: ServerMessage[], channel: string) =>
  messages
    .filter((m): m is EventMessage => m.type === 'event' && m.channel === channel)
    .map((m) => m.seq);

function expectCoded(error: unknown, what: string): void {
  const code = (error as { code?: unknown } | undefined)?.code;
  expect(ERROR_CODES, what).toContain(code);
  expect(code, `${what}: an unexpected failure`).not.toBe('HANDLER_ERROR');
}

describe('fuzzing inbound messages and POST /publish', () => {
  it('answers everything with a code, keeps seqs contiguous for a bystander, and stays bounded', async () => {
    const logged: string[] = [];
    const sidecar = await start({
      rateLimit: 0,
      maxPayload: MAX_PAYLOAD,
      history: HISTORY,
      sources: [createAiSource(resolveAiOptions({ maxStreams: 8 }, {}))],
      logger: createLogger('error', (line) => logged.push(line)),
    });
    const bystander = await rawClient(sidecar);
    bystander.send({ type: 'subscribe', channels: WATCHED, id: 'watch' });
    await bystander.response('watch');
    const fuzzer = await rawClient(sidecar);
    let nextId = 0;

    await fc.assert(
      fc.asyncProperty(fc.array(probe, { minLength: 1, maxLength: 20 }), async (probes) => {
        for (const item of probes) await send(sidecar, fuzzer, item, `f${++nextId}`);
        await expectContiguous(sidecar, bystander);
      }),
      { seed: SEED, numRuns: 40 },
    );

    expect(fuzzer.socket.readyState).toBe(fuzzer.socket.OPEN);
    expect(logged).toEqual([]);
    await expectResumable(sidecar);
    // Memory stays within the server's own bounds, whatever was sent.
    const channels = sidecar.broadcaster.channels();
    expect(channels.length).toBeLessThanOrEqual(BUILTIN_CHANNELS.length + 256);
    for (const channel of channels) {
      const usage = sidecar.broadcaster.historyUsage(channel);
      expect(usage.events).toBeLessThanOrEqual(HISTORY);
      expect(usage.bytes).toBeLessThanOrEqual(HISTORY_MAX_BYTES_PER_CHANNEL);
    }
  }, 120_000);
});

/** Sends one probe and checks its answer. */
async function send(sidecar: Sidecar, fuzzer: RawClient, item: Probe, id: string) {
  if (item.kind === 'http') {
    const body = typeof item.body === 'string' ? item.body : withDeepData(item.body, item.deep);
    const response = await fetch(`${sidecar.url}/publish`, {
      method: 'POST',
      body,
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
    });
    const answer = (await response.json()) as { error?: { code: string }; seq?: number };
    if (response.status === 200) expect(answer.seq).toBeGreaterThan(0);
    else expectCoded(answer.error, `POST /publish ${body.slice(0, 200)}`);
    return;
  }
  if (item.kind === 'message' && item.badId === undefined) {
    const text = withDeepData({ ...item.fields, id }, item.deep);
    fuzzer.send(text);
    const response = await fuzzer.response(id);
    if (response.error) expectCoded(response.error, text.slice(0, 200));
    return;
  }
  // Nothing usable to answer to: the answer is an `error` message.
  const earlier = new Set(fuzzer.messages.filter((m) => m.type === 'error'));
  if (item.kind === 'binary') fuzzer.socket.send(item.bytes, { binary: true });
  else if (item.kind === 'garbage') fuzzer.send(item.text);
  else fuzzer.send(withDeepData({ ...item.fields, id: item.badId }, item.deep));
  expectCoded(await fuzzer.next((m) => m.type === 'error' && !earlier.has(m)), item.kind);
}

/** The bystander saw every event of the watched channels, numbered 1, 2, 3… with no hole. */
let syncs = 0;
async function expectContiguous(sidecar: Sidecar, bystander: RawClient) {
  // Events were queued to the bystander as they were published, so once it has the answer to
  // a ping sent now, it has every one of them.
  const id = `sync${++syncs}`;
  bystander.send({ type: 'ping', id });
  await bystander.response(id);
  for (const channel of WATCHED) {
    const latest = sidecar.broadcaster.latestSeq(channel);
    const seqs = seqsOf(bystander.messages, channel);
    expect(seqs, channel).toEqual(Array.from({ length: latest }, (_, i) => i + 1));
  }
}

/** A client resuming a few events back gets exactly those, with no gap. */
async function expectResumable(sidecar: Sidecar) {
  for (const channel of WATCHED) {
    const latest = sidecar.broadcaster.latestSeq(channel);
    const from = Math.max(0, latest - 3);
    const client = await rawClient(sidecar);
    client.send({
      type: 'subscribe',
      channel,
      since: { epoch: sidecar.epoch, seq: { [channel]: from } },
      id: 'resume',
    });
    const response = await client.response('resume');
    expect(response.result).toMatchObject({ gaps: [], replayed: { [channel]: latest - from } });
    expect(seqsOf(client.messages, channel)).toEqual(
      Array.from({ length: latest - from }, (_, i) => from + i + 1),
    );
    client.close();
  }
}
