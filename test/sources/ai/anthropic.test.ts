import { afterEach, describe, expect, it } from 'vitest';
import { resolveAiOptions } from '../../../src/sources/ai/provider-config.js';
import { streamAnthropic } from '../../../src/sources/ai/providers/anthropic.js';
import { createRedactor } from '../../../src/sources/ai/redact.js';
import {
  anthropicErrorEvent,
  anthropicEvents,
  type FakeProvider,
  type Respond,
  startFakeProvider,
  writeError,
  writeInPieces,
} from '../../support/fake-provider.js';
import { waitFor } from '../../support/server.js';

const KEY = 'sk-ant-api03-TESTKEY-abcdefghijklmnop';
let fakes: FakeProvider[] = [];
afterEach(async () => {
  await Promise.all(fakes.map((fake) => fake.close()));
  fakes = [];
});

async function chat(respond: Respond, signal = new AbortController().signal) {
  const fake = await startFakeProvider(respond);
  fakes.push(fake);
  const options = resolveAiOptions({
    providers: [
      { name: 'claude', type: 'anthropic', baseUrl: fake.baseUrl, apiKey: KEY, maxTokens: 321 },
    ],
  });
  const texts: string[] = [];
  const run = streamAnthropic(
    options.providers[0]!,
    {
      model: 'claude-sonnet-4-5',
      messages: [
        { role: 'system', content: 'Answer in English.' },
        { role: 'user', content: 'Hello' },
      ],
      system: 'Be brief.',
    },
    { onText: (text) => texts.push(text), onActivity: () => undefined },
    { signal, redact: createRedactor(options.secrets) },
  );
  return { fake, run, texts };
}

describe('the Anthropic provider', () => {
  it('posts to /v1/messages with its headers and reads text_delta, stop_reason and usage from split events', async () => {
    const pieces = ['Hello', '! Grüße ', '👋'];
    const { fake, run, texts } = await chat((_request, response) =>
      writeInPieces(
        response,
        anthropicEvents(pieces, { inputTokens: 25, outputTokens: 15 }).join(''),
      ),
    );
    expect(await run).toEqual({
      stopReason: 'end_turn',
      model: 'claude-sonnet-4-5-20250929',
      usage: { inputTokens: 25, outputTokens: 15, totalTokens: 40 },
    });
    expect(texts).toEqual(pieces);
    const [request] = fake.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/messages' });
    expect(request!.headers['x-api-key']).toBe(KEY);
    expect(request!.headers['anthropic-version']).toBe('2023-06-01');
    expect(request!.headers.authorization).toBeUndefined();
    expect(request!.body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 321,
      messages: [{ role: 'user', content: 'Hello' }],
      system: 'Be brief.\n\nAnswer in English.',
      stream: true,
    });
  });

  it('reads the stream exactly as the documentation prints it', async () => {
    // Spaces after colons and all, as in Anthropic's streaming guide.
    const documented = [
      'event: message_start\ndata: {"type": "message_start", "message": {"id": "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY", "type": "message", "role": "assistant", "content": [], "model": "claude-opus-4-6", "stop_reason": null, "stop_sequence": null, "usage": {"input_tokens": 25, "output_tokens": 1}}}\n\n',
      'event: content_block_start\ndata: {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}\n\n',
      'event: ping\ndata: {"type": "ping"}\n\n',
      'event: content_block_delta\ndata: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hello"}}\n\n',
      'event: content_block_delta\ndata: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "!"}}\n\n',
      'event: content_block_stop\ndata: {"type": "content_block_stop", "index": 0}\n\n',
      'event: message_delta\ndata: {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence":null}, "usage": {"output_tokens": 15}}\n\n',
      'event: message_stop\ndata: {"type": "message_stop"}\n\n',
    ].join('');
    const { run, texts } = await chat((_request, response) => writeInPieces(response, documented));
    expect(await run).toMatchObject({ stopReason: 'end_turn', model: 'claude-opus-4-6' });
    expect(texts.join('')).toBe('Hello!');
  });

  it('turns an error event in the stream into a coded error', async () => {
    const events = anthropicEvents(['partial']);
    const { run, texts } = await chat((_request, response) =>
      writeInPieces(
        response,
        [...events.slice(0, 4), anthropicErrorEvent('overloaded_error', 'Overloaded')].join(''),
      ),
    );
    await expect(run).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: 'claude reported an error mid-stream: Overloaded',
      details: { provider: 'claude', type: 'overloaded_error' },
    });
    expect(texts).toEqual(['partial']);
  });

  it('maps HTTP errors: 401 without the key, 429 with retry-after, 529 overloaded', async () => {
    const body = (type: string, message: string) => ({
      type: 'error',
      error: { type, message },
      request_id: 'req_011CSHoEeqs5C35K2UUqR7Fy',
    });
    const unauthorized = await chat((_request, response) =>
      writeError(response, 401, body('authentication_error', `invalid x-api-key ${KEY}`)),
    );
    const error = await unauthorized.run.catch((e: { code: string; message: string }) => e);
    expect(error).toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'claude answered HTTP 401: invalid x-api-key [redacted]',
    });
    const limited = await chat((_request, response) =>
      writeError(
        response,
        429,
        body(
          'rate_limit_error',
          'Number of request tokens has exceeded your per-minute rate limit',
        ),
        { 'retry-after': '30' },
      ),
    );
    await expect(limited.run).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      details: { retryAfterMs: 30_000, type: 'rate_limit_error' },
    });
    const overloaded = await chat((_request, response) =>
      writeError(response, 529, body('overloaded_error', 'Overloaded')),
    );
    await expect(overloaded.run).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      details: { status: 529 },
    });
  });

  it('fails a stream that ends before message_stop, and aborts on the signal', async () => {
    const cut = await chat((_request, response) =>
      writeInPieces(response, anthropicEvents(['half']).slice(0, 4).join('')),
    );
    await expect(cut.run).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('before it finished'),
    });

    const controller = new AbortController();
    const held = await chat(
      (_request, response) =>
        writeInPieces(response, anthropicEvents(['first']).slice(0, 4).join(''), { end: false }),
      controller.signal,
    );
    await waitFor(() => held.texts.length === 1, { message: 'the first text' });
    controller.abort(new Error('stop'));
    await expect(held.run).rejects.toThrow('stop');
    await waitFor(() => held.fake.requests[0]?.abortedByClient, {
      message: 'the server to see the abort',
    });
  });
});
