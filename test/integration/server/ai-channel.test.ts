import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { SidecarOptions } from '../../../src/app/options.js';
import { createLogger } from '../../../src/core/logger.js';
import type {
  AiChunkData,
  AiErrorData,
  AiStreamState,
  EventMessage,
  ServerMessage,
} from '../../../src/protocol/index.js';
import {
  type AiSettings,
  createAiSource,
  resolveAiOptions,
} from '../../../src/sources/ai/index.js';
import {
  anthropicEvents,
  type FakeProvider,
  openAiEvents,
  type Respond,
  startFakeProvider,
  writeError,
  writeInPieces,
} from '../../support/fake-provider.js';
import {
  type RawClient,
  rawClient,
  TEST_TOKEN,
  useTestSidecars,
  waitFor,
} from '../../support/server.js';

const start = useTestSidecars();
let fakes: FakeProvider[] = [];
afterEach(async () => {
  await Promise.all(fakes.map((fake) => fake.close()));
  fakes = [];
});

const KEY = 'sk-proj-INTEGRATION-KEY-7d1f0c2b9e';

/** A sidecar running only the ai source, logging everything (debug) into `logs`. */
async function aiSidecar(ai: AiSettings = {}, options: SidecarOptions = {}) {
  const logs: string[] = [];
  const sidecar = await start({
    sources: [createAiSource(resolveAiOptions(ai, {}))],
    logger: createLogger('debug', (line) => logs.push(line)),
    ...options,
  });
  return { sidecar, logs };
}

async function fakeProvider(respond: Respond, prefix = '/v1') {
  const fake = await startFakeProvider(respond, prefix);
  fakes.push(fake);
  return fake;
}

async function subscribed(sidecar: Parameters<typeof rawClient>[0]): Promise<RawClient> {
  const client = await rawClient(sidecar);
  client.send({ type: 'subscribe', channels: ['ai-response'], id: 'sub' });
  await client.response('sub');
  return client;
}

let requestCount = 0;
async function call(client: RawClient, method: string, params?: unknown) {
  const id = `r${++requestCount}`;
  client.send({ type: 'request', id, method, params });
  return client.response(id);
}

async function publish(client: RawClient, event: string, data: AiChunkData) {
  const id = `p${++requestCount}`;
  client.send({ type: 'publish', id, channel: 'ai-response', event, data });
  return client.response(id);
}

type AiEvent = EventMessage<'ai-response', 'chunk' | 'done' | 'error'>;

function streamEvents(client: RawClient, id: string): AiEvent[] {
  return client.messages.filter(
    (m): m is AiEvent =>
      m.type === 'event' && m.channel === 'ai-response' && (m.data as AiChunkData).id === id,
  );
}

/** The event that ended stream `id`, once it has arrived. */
async function streamEnd(client: RawClient, id: string, message = 'the last event') {
  const last = await waitFor(() => streamEvents(client, id).find((m) => m.data.finished), {
    message,
  });
  return last!;
}

const textOf = (events: AiEvent[]) => events.map((m) => (m.data as AiChunkData).chunk).join('');

const chunk = (id: string, text: string, index: number, finished = false) => ({
  id,
  chunk: text,
  index,
  finished,
});

describe('ai-response producers', () => {
  it('refuses out-of-order and repeated indexes over WebSocket and POST /publish, and ends on done', async () => {
    const { sidecar } = await aiSidecar();
    const producer = await rawClient(sidecar);
    const viewer = await subscribed(sidecar);
    expect((await publish(producer, 'chunk', chunk('s1', 'Hel', 0))).result).toMatchObject({
      seq: 1,
    });
    const gap = await publish(producer, 'chunk', chunk('s1', 'xx', 2));
    expect(gap.error).toMatchObject({
      code: 'INVALID_PARAMS',
      message: 'stream "s1": expected index 1, got 2 (a gap; chunks are not re-ordered)',
      details: { field: 'index', expected: 1, got: 2 },
    });
    const repeat = await publish(producer, 'chunk', chunk('s1', 'Hel', 0));
    expect(repeat.error).toMatchObject({
      code: 'INVALID_PARAMS',
      details: { expected: 1, got: 0 },
    });

    const post = (data: AiChunkData, event = 'chunk') =>
      fetch(`${sidecar.url}/publish`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ channel: 'ai-response', event, data }),
      });
    const refused = await post(chunk('s1', 'lo', 5));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      error: { code: 'INVALID_PARAMS', details: { expected: 1, got: 5 } },
    });
    expect((await post(chunk('s1', 'lo', 1))).status).toBe(200);
    expect((await post(chunk('s1', '!', 2, true), 'done')).status).toBe(200);
    const late = await publish(producer, 'chunk', chunk('s1', 'more', 3));
    expect(late.error).toMatchObject({
      code: 'INVALID_PARAMS',
      message: expect.stringContaining('has already ended'),
    });

    await streamEnd(viewer, 's1', 'the done event');
    const events = streamEvents(viewer, 's1');
    expect(events.map((m) => [m.event, (m.data as AiChunkData).index])).toEqual([
      ['chunk', 0],
      ['chunk', 1],
      ['done', 2],
    ]);
    expect(textOf(events)).toBe('Hello!');
  });

  it('ends a stream that goes silent with an error event, code TIMEOUT', async () => {
    const { sidecar } = await aiSidecar({ streamTimeoutMs: 100 });
    const producer = await rawClient(sidecar);
    const viewer = await subscribed(sidecar);
    await publish(producer, 'chunk', chunk('quiet', 'I was about to say', 0));
    const last = await streamEnd(viewer, 'quiet', 'the timeout');
    expect(last).toMatchObject({
      event: 'error',
      data: {
        id: 'quiet',
        chunk: '',
        index: 1,
        finished: true,
        error: { code: 'TIMEOUT', message: 'stream "quiet" was silent for more than 100 ms' },
      },
    });
    const after = await publish(producer, 'chunk', chunk('quiet', ' something', 1));
    expect(after.error).toMatchObject({
      code: 'INVALID_PARAMS',
      message: expect.stringContaining('(error at index 1)'),
    });
  });

  it('lets a late subscriber render ai.get, then live chunks, and see the whole text exactly once', async () => {
    // No rate limit: the producer fires its chunks as fast as it can.
    const { sidecar } = await aiSidecar({}, { rateLimit: 0 });
    const producer = await rawClient(sidecar);
    const words = Array.from({ length: 200 }, (_, i) => `w${i} `);
    const send = (i: number) =>
      producer.send({
        type: 'publish',
        channel: 'ai-response',
        event: 'chunk',
        data: chunk('long', words[i]!, i),
      });
    for (let i = 0; i < 20; i++) await publish(producer, 'chunk', chunk('long', words[i]!, i));
    // The producer keeps publishing, without waiting, while the late panel catches up.
    const racing = (async () => {
      for (let i = 20; i < 120; i++) {
        send(i);
        if (i % 5 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const late = await subscribed(sidecar); // subscribe first, then ask for the state
    const state = (await call(late, 'ai.get', { id: 'long' })).result as AiStreamState;
    await racing;
    for (let i = 120; i < words.length; i++) send(i);
    await publish(producer, 'done', chunk('long', '', words.length, true));

    expect(state.lastIndex).toBeGreaterThanOrEqual(19);
    expect(state.finished).toBe(false);
    expect(state.text).toBe(words.slice(0, state.lastIndex + 1).join(''));
    await streamEnd(late, 'long', 'the done event');
    // The panel's rule: skip live chunks at or below lastIndex, append the others.
    const live = streamEvents(late, 'long').filter(
      (m) => (m.data as AiChunkData).index > state.lastIndex,
    );
    expect(live.map((m) => (m.data as AiChunkData).index)).toEqual(
      Array.from({ length: words.length - state.lastIndex }, (_, i) => state.lastIndex + 1 + i),
    );
    expect(state.text + textOf(live)).toBe(words.join(''));
    // The seq ai.get gives is the stream's last event before the live ones.
    expect(live[0]!.seq).toBeGreaterThan(state.seq);
  });

  it('receives a whole stream from the example producer script', async () => {
    const { sidecar } = await aiSidecar();
    const viewer = await subscribed(sidecar);
    const script = fileURLToPath(
      new URL('../../../examples/publish-ai-stream.mjs', import.meta.url),
    );
    const text = 'Tokens arrive one by one, in order.';
    const { stdout } = await promisify(execFile)(process.execPath, [script, text], {
      env: { ...process.env, SIDECAR_URL: sidecar.url, SIDECAR_TOKEN: TEST_TOKEN, DELAY_MS: '0' },
    });
    const id = /published (example-\S+):/.exec(stdout)?.[1];
    expect(id).toBeDefined();
    const last = await streamEnd(viewer, id!);
    expect(last).toMatchObject({ event: 'done', data: { index: 7, finished: true } });
    expect(textOf(streamEvents(viewer, id!))).toBe(text);
  });
});

describe('ai.chat', () => {
  it('streams an OpenAI-compatible answer as chunk events and one done with usage', async () => {
    const pieces = ['The ', 'answer ', 'is ', '42', '.'];
    const fake = await fakeProvider((_request, response) =>
      writeInPieces(response, openAiEvents(pieces).join('')),
    );
    const { sidecar } = await aiSidecar({
      providers: [
        { name: 'local', type: 'openai-compatible', baseUrl: fake.baseUrl, model: 'llama3.2' },
      ],
    });
    const viewer = await subscribed(sidecar);
    const { result } = await call(viewer, 'ai.chat', {
      messages: [{ role: 'user', content: 'What is the answer?' }],
    });
    const { id } = result as { id: string };
    expect(id).toMatch(/^chat-/);
    const done = await streamEnd(viewer, id, 'the done event');
    const events = streamEvents(viewer, id);
    expect(events.map((m) => (m.data as AiChunkData).index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(events.slice(0, -1).every((m) => m.event === 'chunk' && !m.data.finished)).toBe(true);
    expect(textOf(events)).toBe('The answer is 42.');
    expect(done).toMatchObject({
      event: 'done',
      data: {
        id,
        chunk: '',
        index: 5,
        finished: true,
        stopReason: 'stop',
        provider: 'local',
        model: 'gpt-4o-mini-2024-07-18',
        usage: { inputTokens: 9, outputTokens: 5, totalTokens: 14 },
      },
    });
    expect(fake.requests[0]!.body).toMatchObject({ model: 'llama3.2', stream: true });
    expect((await call(viewer, 'ai.get', { id })).result).toMatchObject({
      text: 'The answer is 42.',
      lastIndex: 5,
      finished: true,
      end: { event: 'done' },
    });
  });

  it('uses the default provider from ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL in the built-in sources', async () => {
    const fake = await fakeProvider(
      (_request, response) => writeInPieces(response, anthropicEvents(['Bonjour', ' !']).join('')),
      '',
    );
    const sidecar = await start({
      sources: undefined,
      env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.baseUrl },
    });
    const viewer = await subscribed(sidecar);
    expect(sidecar.info().sources).toContainEqual({
      name: 'ai',
      channel: 'ai-response',
      state: 'running',
      message: 'AI providers: anthropic (default)',
    });
    const models = await call(viewer, 'ai.models');
    expect(models.result).toEqual({
      default: 'anthropic',
      providers: [
        {
          name: 'anthropic',
          type: 'anthropic',
          baseUrl: fake.baseUrl,
          models: [],
          defaultModel: null,
          isDefault: true,
          hasKey: true,
        },
      ],
    });
    const { result } = await call(viewer, 'ai.chat', {
      model: 'claude-haiku-4-5',
      system: 'Reply in French.',
      messages: [{ role: 'user', content: 'Hello' }],
      maxTokens: 64,
      temperature: 0,
    });
    const { id } = result as { id: string };
    const done = await streamEnd(viewer, id, 'the done event');
    expect(textOf(streamEvents(viewer, id))).toBe('Bonjour !');
    expect(done.data).toMatchObject({
      stopReason: 'end_turn',
      provider: 'anthropic',
      usage: { inputTokens: 25, outputTokens: 15 },
    });
    expect(fake.requests[0]!.headers['x-api-key']).toBe(KEY);
    expect(fake.requests[0]!.body).toMatchObject({
      system: 'Reply in French.',
      max_tokens: 64,
      temperature: 0,
    });
    expect(JSON.stringify(viewer.messages)).not.toContain(KEY);
  });

  it('ai.cancel aborts the upstream request and ends the stream with a cancelled done', async () => {
    const fake = await fakeProvider((_request, response) =>
      writeInPieces(response, openAiEvents(['Once upon ', 'a time']).slice(0, 2).join(''), {
        end: false,
      }),
    );
    const { sidecar } = await aiSidecar({
      providers: [{ name: 'local', type: 'openai-compatible', baseUrl: fake.baseUrl, model: 'm' }],
    });
    const viewer = await subscribed(sidecar);
    const { id } = (
      await call(viewer, 'ai.chat', { messages: [{ role: 'user', content: 'A story' }] })
    ).result as { id: string };
    await waitFor(() => streamEvents(viewer, id).length === 1, { message: 'the first chunk' });
    const cancel = await call(viewer, 'ai.cancel', { id });
    expect(cancel.result).toEqual({ cancelled: true });
    // The closing done is sent before the response, so nothing of the stream comes after it.
    const doneAt = viewer.messages.findIndex(
      (m) => m.type === 'event' && (m.data as AiChunkData).finished,
    );
    expect(doneAt).toBeGreaterThan(-1);
    expect(doneAt).toBeLessThan(viewer.messages.indexOf(cancel));
    await waitFor(() => fake.requests[0]?.abortedByClient, {
      message: 'the provider to see the request aborted',
    });
    const events = streamEvents(viewer, id);
    expect(events.at(-1)).toMatchObject({
      event: 'done',
      data: { index: 1, finished: true, cancelled: true, stopReason: 'cancelled' },
    });
    expect(textOf(events)).toBe('Once upon ');
    expect((await call(viewer, 'ai.cancel', { id })).result).toEqual({ cancelled: false });
    expect((await call(viewer, 'ai.cancel', { id: 'never-was' })).result).toEqual({
      cancelled: false,
    });
    // Producers cannot write into a stream of ai.chat.
    expect((await publish(viewer, 'chunk', chunk(id, 'x', 2))).error).toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('turns a 429 into an error event with the retry-after delay', async () => {
    const fake = await fakeProvider((_request, response) =>
      writeError(
        response,
        429,
        { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } },
        { 'retry-after': '3' },
      ),
    );
    const { sidecar } = await aiSidecar({
      providers: [{ name: 'local', type: 'openai-compatible', baseUrl: fake.baseUrl, model: 'm' }],
    });
    const viewer = await subscribed(sidecar);
    const { id } = (await call(viewer, 'ai.chat', { messages: [{ role: 'user', content: 'hi' }] }))
      .result as { id: string };
    const last = await streamEnd(viewer, id, 'the error event');
    expect(last).toMatchObject({
      event: 'error',
      data: {
        id,
        index: 0,
        finished: true,
        error: {
          code: 'RATE_LIMITED',
          message: 'local answered HTTP 429: Rate limit reached; retry after 3 s',
          details: { provider: 'local', status: 429, retryAfterMs: 3000 },
        },
      },
    });
  });

  it('reports a connection dropped mid-stream after the chunks that arrived', async () => {
    const fake = await fakeProvider(async (_request, response) => {
      await writeInPieces(response, openAiEvents(['Partial ', 'answer']).slice(0, 3).join(''), {
        end: false,
      });
      response.socket?.destroy();
    });
    const { sidecar } = await aiSidecar({
      providers: [{ name: 'local', type: 'openai-compatible', baseUrl: fake.baseUrl, model: 'm' }],
    });
    const viewer = await subscribed(sidecar);
    const { id } = (await call(viewer, 'ai.chat', { messages: [{ role: 'user', content: 'hi' }] }))
      .result as { id: string };
    const last = await streamEnd(viewer, id, 'the error event');
    expect(last.event).toBe('error');
    expect((last.data as AiErrorData).error).toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('the connection to local dropped mid-stream'),
    });
    expect(textOf(streamEvents(viewer, id))).toBe('Partial answer');
    expect(last.data.index).toBe(2);
  });

  it('times out a provider that goes silent and aborts its request', async () => {
    const fake = await fakeProvider((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.flushHeaders();
    });
    const { sidecar } = await aiSidecar({
      streamTimeoutMs: 150,
      providers: [{ name: 'local', type: 'openai-compatible', baseUrl: fake.baseUrl, model: 'm' }],
    });
    const viewer = await subscribed(sidecar);
    const { id } = (await call(viewer, 'ai.chat', { messages: [{ role: 'user', content: 'hi' }] }))
      .result as { id: string };
    const last = await streamEnd(viewer, id, 'the timeout');
    expect(last).toMatchObject({ event: 'error', data: { index: 0, error: { code: 'TIMEOUT' } } });
    await waitFor(() => fake.requests[0]?.abortedByClient, {
      message: 'the request to be aborted',
    });
    expect(streamEvents(viewer, id)).toHaveLength(1);
  });

  it('never sends the API key to a client or writes it to the logs, even when the provider echoes it', async () => {
    const fake = await fakeProvider((_request, response) =>
      writeError(response, 401, {
        error: {
          message: `Incorrect API key provided: ${KEY}.`,
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      }),
    );
    const { sidecar, logs } = await aiSidecar({
      providers: [
        {
          name: 'openai',
          type: 'openai-compatible',
          baseUrl: fake.baseUrl,
          apiKey: KEY,
          model: 'gpt-4o-mini',
        },
      ],
    });
    const viewer = await subscribed(sidecar);
    const { id } = (await call(viewer, 'ai.chat', { messages: [{ role: 'user', content: 'hi' }] }))
      .result as { id: string };
    const last = await streamEnd(viewer, id, 'the error event');
    expect((last.data as AiErrorData).error).toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'openai answered HTTP 401: Incorrect API key provided: [redacted].',
    });
    await call(viewer, 'ai.models');
    await call(viewer, 'ai.get', { id });
    await call(viewer, 'server.info');
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(logs.some((line) => line.includes('UNAUTHORIZED'))).toBe(true);
    const everything = [JSON.stringify(viewer.messages), ...logs].join('\n');
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain('INTEGRATION-KEY');
  });

  it('answers UNAVAILABLE without a provider and INVALID_PARAMS for bad params', async () => {
    const { sidecar } = await aiSidecar();
    const client = await rawClient(sidecar);
    const messages = [{ role: 'user', content: 'hi' }];
    const codeOf = (m: Extract<ServerMessage, { type: 'response' }>) => [
      m.error?.code,
      m.error?.details?.field,
    ];
    const none = await call(client, 'ai.chat', { messages });
    expect(none.error).toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('no AI provider is configured'),
    });
    expect(codeOf(await call(client, 'ai.chat', { messages: [] }))).toEqual([
      'INVALID_PARAMS',
      'messages',
    ]);
    expect(
      codeOf(await call(client, 'ai.chat', { messages: [{ role: 'tool', content: 'x' }] })),
    ).toEqual(['INVALID_PARAMS', 'messages.0.role']);
    expect(codeOf(await call(client, 'ai.chat', { messages, max_tokens: 5 }))).toEqual([
      'INVALID_PARAMS',
      '(root)',
    ]);
    expect(codeOf(await call(client, 'ai.get', { id: 'unknown' }))).toEqual([
      'INVALID_PARAMS',
      'id',
    ]);
    expect((await call(client, 'ai.models')).result).toEqual({ default: null, providers: [] });

    const { sidecar: configured } = await aiSidecar({
      providers: [{ name: 'nomodel', type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1' }],
    });
    const other = await rawClient(configured);
    expect(codeOf(await call(other, 'ai.chat', { messages }))).toEqual(['INVALID_PARAMS', 'model']);
    expect(codeOf(await call(other, 'ai.chat', { provider: 'nope', messages }))).toEqual([
      'INVALID_PARAMS',
      'provider',
    ]);
    expect(codeOf(await call(other, 'ai.models', { provider: 'nope' }))).toEqual([
      'INVALID_PARAMS',
      'provider',
    ]);
  });
});
