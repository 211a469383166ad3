/**
 * Local HTTP servers that answer like the AI providers do, byte for byte: OpenAI's
 * `chat.completion.chunk` server-sent events ending in `data: [DONE]`, and Anthropic's named
 * Messages events. Responses can be written in odd-sized pieces (events and UTF-8 characters
 * split across network chunks), cut off, or held open, and every request is recorded.
 */

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  /** True once the client closed the connection before the response was complete. */
  abortedByClient: boolean;
}

export type Respond = (request: RecordedRequest, response: ServerResponse) => Promise<void> | void;

export interface FakeProvider {
  /** `http://127.0.0.1:<port>` plus the prefix given (`/v1` for OpenAI-compatible). */
  baseUrl: string;
  requests: RecordedRequest[];
  /** Changes how later requests are answered. */
  respondWith(respond: Respond): void;
  close(): Promise<void>;
}

export async function startFakeProvider(respond: Respond, prefix = ''): Promise<FakeProvider> {
  const requests: RecordedRequest[] = [];
  let current = respond;
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const recorded: RecordedRequest = {
      method: request.method ?? '',
      path: request.url ?? '',
      headers: request.headers,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      abortedByClient: false,
    };
    requests.push(recorded);
    response.on('close', () => {
      if (!response.writableFinished) recorded.abortedByClient = true;
    });
    try {
      await current(recorded, response);
    } catch {
      response.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${prefix}`,
    requests,
    respondWith: (next) => {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const EVENT_STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
};

/** Piece sizes that split events, lines and multi-byte characters at odd places. */
const ODD_PIECES = [1, 7, 3, 29, 2, 11, 64, 5, 17];

/**
 * Writes `body` as an event stream in odd-sized pieces, yielding to the event loop between
 * pieces so they leave as separate network writes. `end: false` leaves the response open.
 */
export async function writeInPieces(
  response: ServerResponse,
  body: string,
  { end = true }: { end?: boolean } = {},
): Promise<void> {
  if (!response.headersSent) response.writeHead(200, EVENT_STREAM_HEADERS);
  const bytes = Buffer.from(body, 'utf8');
  let offset = 0;
  for (let i = 0; offset < bytes.length; i++) {
    const size = ODD_PIECES[i % ODD_PIECES.length]!;
    response.write(bytes.subarray(offset, offset + size));
    offset += size;
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (response.destroyed) return;
  }
  if (end) response.end();
}

/** An error status with a JSON body and extra headers (`retry-after`). */
export function writeError(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

// ---------------------------------------------------------------------------------------------
// OpenAI chat completions, as documented for `stream: true` with `stream_options.include_usage`

export interface OpenAiScript {
  model?: string;
  finishReason?: string;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

function openAiChunk(model: string, choices: unknown[], usage: unknown): string {
  const chunk = {
    id: 'chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG',
    object: 'chat.completion.chunk',
    created: 1741570283,
    model,
    service_tier: 'default',
    system_fingerprint: 'fp_06737a9306',
    choices,
    usage,
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

/** The first chunk carries the role, then one chunk per piece of text, the finish, the usage, [DONE]. */
export function openAiEvents(pieces: string[], script: OpenAiScript = {}): string[] {
  const model = script.model ?? 'gpt-4o-mini-2024-07-18';
  const choice = (delta: object, finish: string | null) => ({
    index: 0,
    delta,
    logprobs: null,
    finish_reason: finish,
  });
  const usage = script.usage ?? {
    prompt_tokens: 9,
    completion_tokens: pieces.length,
    total_tokens: 9 + pieces.length,
  };
  return [
    openAiChunk(model, [choice({ role: 'assistant', content: '', refusal: null }, null)], null),
    ...pieces.map((content) => openAiChunk(model, [choice({ content }, null)], null)),
    openAiChunk(model, [choice({}, script.finishReason ?? 'stop')], null),
    openAiChunk(model, [], {
      ...usage,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
    }),
    'data: [DONE]\n\n',
  ];
}

// ---------------------------------------------------------------------------------------------
// Anthropic Messages streaming, as documented

export interface AnthropicScript {
  model?: string;
  stopReason?: string;
  inputTokens?: number;
  outputTokens?: number;
}

function anthropicEvent(type: string, data: object): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

export function anthropicEvents(pieces: string[], script: AnthropicScript = {}): string[] {
  const model = script.model ?? 'claude-sonnet-4-5-20250929';
  return [
    anthropicEvent('message_start', {
      message: {
        id: 'msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY',
        type: 'message',
        role: 'assistant',
        content: [],
        model,
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: script.inputTokens ?? 25, output_tokens: 1 },
      },
    }),
    anthropicEvent('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    anthropicEvent('ping', {}),
    ...pieces.map((text) =>
      anthropicEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text } }),
    ),
    anthropicEvent('content_block_stop', { index: 0 }),
    anthropicEvent('message_delta', {
      delta: { stop_reason: script.stopReason ?? 'end_turn', stop_sequence: null },
      usage: { output_tokens: script.outputTokens ?? 15 },
    }),
    anthropicEvent('message_stop', {}),
  ];
}

/** Anthropic's `event: error` inside a stream, e.g. when the API is overloaded. */
export function anthropicErrorEvent(type: string, message: string): string {
  return anthropicEvent('error', { error: { type, message } });
}
