import { afterEach, describe, expect, it } from 'vitest';
import { resolveAiOptions } from '../../../src/sources/ai/provider-config.js';
import { ProviderError } from '../../../src/sources/ai/provider-error.js';
import { streamOpenAiCompatible } from '../../../src/sources/ai/providers/openai-compatible.js';
import { createRedactor } from '../../../src/sources/ai/redact.js';
import {
  type FakeProvider,
  openAiEvents,
  type Respond,
  startFakeProvider,
  writeError,
  writeInPieces,
} from '../../support/fake-provider.js';
import { waitFor } from '../../support/server.js';

const KEY = 'sk-proj-TESTKEY-0123456789abcdefSECRET';
let fakes: FakeProvider[] = [];
afterEach(async () => {
  await Promise.all(fakes.map((fake) => fake.close()));
  fakes = [];
});

async function providerAnswering(respond: Respond) {
  const fake = await startFakeProvider(respond, '/v1');
  fakes.push(fake);
  const options = resolveAiOptions({
    providers: [{ name: 'local', type: 'openai-compatible', baseUrl: fake.baseUrl, apiKey: KEY }],
  });
  return { fake, provider: options.providers[0]!, redact: createRedactor(options.secrets) };
}

async function chat(
  setup: Awaited<ReturnType<typeof providerAnswering>>,
  signal = new AbortController().signal,
) {
  const texts: string[] = [];
  let activity = 0;
  const run = streamOpenAiCompatible(
    setup.provider,
    {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello' }],
      system: 'Be brief',
      maxTokens: 50,
      temperature: 0.2,
    },
    { onText: (text) => texts.push(text), onActivity: () => activity++ },
    { signal, redact: setup.redact },
  );
  return { run, texts, activity: () => activity };
}

describe('the OpenAI-compatible provider', () => {
  it('posts a streaming chat completion and reads text, finish reason and usage from events split mid-event', async () => {
    const pieces = ['Hel', 'lo', ', wörld ', '🌍', '!'];
    const setup = await providerAnswering((_request, response) =>
      writeInPieces(
        response,
        openAiEvents(pieces, {
          usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
        }).join(''),
      ),
    );
    const { run, texts } = await chat(setup);
    expect(await run).toEqual({
      stopReason: 'stop',
      model: 'gpt-4o-mini-2024-07-18',
      usage: { inputTokens: 12, outputTokens: 5, totalTokens: 17 },
    });
    expect(texts).toEqual(pieces);
    const [request] = setup.fake.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/chat/completions' });
    expect(request!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request!.body).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief' },
        { role: 'user', content: 'Say hello' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 50,
      temperature: 0.2,
    });
  });

  it('accepts a server that ends after finish_reason without [DONE] or usage (llama.cpp, older Ollama)', async () => {
    const setup = await providerAnswering((_request, response) =>
      writeInPieces(response, openAiEvents(['ok']).slice(0, 3).join('')),
    );
    const { run, texts } = await chat(setup);
    expect(await run).toMatchObject({ stopReason: 'stop' });
    expect(texts).toEqual(['ok']);
  });

  it('turns a 429 into RATE_LIMITED with the retry-after delay', async () => {
    const setup = await providerAnswering((_request, response) =>
      writeError(
        response,
        429,
        {
          error: {
            message: 'Rate limit reached for gpt-4o-mini',
            type: 'requests',
            param: null,
            code: 'rate_limit_exceeded',
          },
        },
        { 'retry-after': '7' },
      ),
    );
    const error = await chat(setup).then(({ run }) => run.catch((e: unknown) => e));
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).toBody()).toMatchObject({
      code: 'RATE_LIMITED',
      message: expect.stringContaining(
        'HTTP 429: Rate limit reached for gpt-4o-mini; retry after 7 s',
      ),
      details: { provider: 'local', status: 429, retryAfterMs: 7000 },
    });
  });

  it('never repeats the key a 401 body echoes', async () => {
    const setup = await providerAnswering((_request, response) =>
      writeError(response, 401, {
        error: {
          message: `Incorrect API key provided: ${KEY}. You can find your API key at https://platform.openai.com/account/api-keys.`,
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      }),
    );
    const error = (await chat(setup).then(({ run }) =>
      run.catch((e: unknown) => e),
    )) as ProviderError;
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toContain('Incorrect API key provided: [redacted]');
    expect(JSON.stringify(error.toBody())).not.toContain('TESTKEY');
  });

  it('reports a 5xx and an error sent inside the stream as UNAVAILABLE', async () => {
    const setup = await providerAnswering((_request, response) =>
      writeError(response, 503, {
        error: { message: 'The server is overloaded', type: 'server_error' },
      }),
    );
    await expect(chat(setup).then(({ run }) => run)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      details: { status: 503 },
    });
    setup.fake.respondWith((_request, response) =>
      writeInPieces(
        response,
        `${openAiEvents(['par']).slice(0, 2).join('')}data: {"error":{"message":"upstream model crashed","code":502}}\n\n`,
      ),
    );
    await expect(chat(setup).then(({ run }) => run)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: 'local reported an error mid-stream: upstream model crashed',
    });
  });

  it('reports a connection dropped mid-stream, after the text that did arrive', async () => {
    const setup = await providerAnswering(async (_request, response) => {
      await writeInPieces(response, openAiEvents(['one ', 'two ']).slice(0, 3).join(''), {
        end: false,
      });
      response.socket?.destroy();
    });
    const { run, texts } = await chat(setup);
    await expect(run).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('the connection to local dropped mid-stream'),
    });
    expect(texts).toEqual(['one ', 'two ']);
  });

  it('aborts the upstream request when the signal fires', async () => {
    const setup = await providerAnswering((_request, response) =>
      writeInPieces(response, openAiEvents(['first']).slice(0, 2).join(''), { end: false }),
    );
    const controller = new AbortController();
    const { run, texts } = await chat(setup, controller.signal);
    await waitFor(() => texts.length === 1, { message: 'the first text' });
    controller.abort(new Error('cancelled by test'));
    await expect(run).rejects.toThrow('cancelled by test');
    await waitFor(() => setup.fake.requests[0]?.abortedByClient, {
      message: 'the server to see the abort',
    });
  });

  it('reports a refused connection without the key', async () => {
    const setup = await providerAnswering(() => undefined);
    await setup.fake.close();
    await expect(chat(setup).then(({ run }) => run)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/^cannot reach local: .*ECONNREFUSED/),
    });
  });
});
