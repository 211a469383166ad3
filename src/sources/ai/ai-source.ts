/**
 * The `ai-response` source. It keeps every stream in order (producer publishes are checked by
 * `guardPublish`), ends streams that go silent, answers `ai.get` for late panels, and proxies
 * `ai.chat` to the configured OpenAI-compatible and Anthropic providers.
 */

import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { SidecarError } from '../../core/errors.js';
import { defineMethod } from '../../core/methods.js';
import type { Source, SourceContext } from '../../core/source.js';
import type {
  AiChunkData,
  AiErrorData,
  AiEventKind,
  AiModelsResult,
  ErrorBody,
} from '../../protocol/index.js';
import { type ChatStreamWriter, runChat } from './chat-run.js';
import { checkProducerEvent } from './producer-guard.js';
import {
  describeProvider,
  type ResolvedAiOptions,
  type ResolvedProvider,
  resolveAiOptions,
} from './provider-config.js';
import { createRedactor } from './redact.js';
import { createStreamRegistry } from './stream-registry.js';

const streamId = z.string().min(1).max(256);

const chatParams = z
  .object({
    provider: z.string().min(1).optional(),
    model: z.string().min(1).max(256).optional(),
    messages: z
      .array(
        z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() }).strict(),
      )
      .min(1, 'expected at least one message')
      .max(10_000),
    system: z.string().optional(),
    maxTokens: z.number().int().min(1).max(10_000_000).optional(),
    temperature: z.number().min(0).max(2).optional(),
  })
  .strict();

const modelsParams = z
  .union([z.undefined(), z.null(), z.object({ provider: z.string().min(1).optional() }).strict()])
  .transform((params) => params ?? {});

/** How often silent streams are looked for, as a share of the timeout. */
const SWEEPS_PER_TIMEOUT = 4;

export function createAiSource(
  options: ResolvedAiOptions = resolveAiOptions(),
): Source<'ai-response'> {
  const streams = createStreamRegistry(options);
  const redact = createRedactor(options.secrets);
  /** Running `ai.chat` calls, by stream id. */
  const chats = new Map<string, AbortController>();
  let ctx: SourceContext<'ai-response'> | undefined;
  let stopListening: (() => void) | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;

  /** Emits a stream's next event at the index after its last one; a no-op once it has ended. */
  function emitNext(id: string, event: AiEventKind, chunk: string, extra = {}): void {
    const stream = streams.lookup(id);
    if (!ctx || !stream || stream.finished) return;
    const finished = event !== 'chunk';
    ctx.emit(event, { id, chunk, index: stream.lastIndex + 1, finished, ...extra });
  }

  function fail(id: string, error: ErrorBody): void {
    emitNext(id, 'error', '', { error } satisfies Partial<AiErrorData>);
  }

  function abortChat(id: string): boolean {
    const controller = chats.get(id);
    if (!controller) return false;
    chats.delete(id);
    controller.abort(new Error(`stream ${id} ended`));
    return true;
  }

  function sweep(): void {
    const cutoff = Date.now() - options.streamTimeoutMs;
    for (const stream of streams.silentSince(cutoff)) {
      ctx?.log.debug(
        `stream ${stream.id} timed out after ${options.streamTimeoutMs} ms of silence`,
      );
      fail(stream.id, {
        code: 'TIMEOUT',
        message: `stream "${stream.id}" was silent for more than ${options.streamTimeoutMs} ms`,
      });
      abortChat(stream.id);
    }
    streams.prune();
  }

  function writerFor(id: string): ChatStreamWriter {
    return {
      text: (text) => emitNext(id, 'chunk', text),
      activity: () => streams.touch(id),
      done: (extra) => emitNext(id, 'done', '', extra),
      fail: (error) => fail(id, error),
    };
  }

  function pickProvider(name: string | undefined): ResolvedProvider {
    const names = options.providers.map((p) => p.name);
    if (name !== undefined) {
      const named = options.providers.find((p) => p.name === name);
      if (named) return named;
      throw new SidecarError('INVALID_PARAMS', `no AI provider named "${name}"`, {
        field: 'provider',
        providers: names,
      });
    }
    const chosen = options.providers.find((p) => p.name === options.defaultProvider);
    if (chosen) return chosen;
    throw new SidecarError(
      'UNAVAILABLE',
      names.length === 0
        ? 'no AI provider is configured: set OPENAI_API_KEY or OPENAI_BASE_URL, ANTHROPIC_API_KEY, or ai.providers in sidecar.config.json'
        : `no default AI provider: pass provider (one of ${names.join(', ')}) or set ai.default`,
      { providers: names },
    );
  }

  const methods = [
    defineMethod({
      name: 'ai.chat',
      params: chatParams,
      handler(params) {
        if (!ctx) throw new SidecarError('UNAVAILABLE', 'the ai source is not running');
        const provider = pickProvider(params.provider);
        const model = params.model ?? provider.defaultModel;
        if (!model) {
          throw new SidecarError(
            'INVALID_PARAMS',
            `provider "${provider.name}" has no default model: pass model, or set model in its config`,
            { field: 'model' },
          );
        }
        const id = `chat-${randomBytes(12).toString('base64url')}`;
        streams.claim(id);
        const controller = new AbortController();
        chats.set(id, controller);
        const { provider: _provider, model: _model, ...request } = params;
        void runChat({
          id,
          provider,
          request: { ...request, model },
          signal: controller.signal,
          redact,
          log: ctx.log,
          write: writerFor(id),
        }).finally(() => {
          if (chats.get(id) === controller) chats.delete(id);
        });
        return { id };
      },
    }),
    defineMethod({
      name: 'ai.cancel',
      params: z.object({ id: streamId }).strict(),
      handler({ id }) {
        if (!chats.has(id)) return { cancelled: false };
        // The closing event goes out first, so nothing the aborted run still had is sent.
        emitNext(id, 'done', '', { stopReason: 'cancelled', cancelled: true });
        return { cancelled: abortChat(id) };
      },
    }),
    defineMethod({
      name: 'ai.get',
      params: z.object({ id: streamId }).strict(),
      handler({ id }) {
        const state = streams.state(id);
        if (state) return state;
        throw new SidecarError(
          'INVALID_PARAMS',
          `no ai-response stream "${id}" is held (never seen, or finished more than ${options.keepFinishedMs} ms ago)`,
          { field: 'id' },
        );
      },
    }),
    defineMethod({
      name: 'ai.models',
      params: modelsParams,
      handler({ provider }): AiModelsResult {
        const listed = provider === undefined ? options.providers : [pickProvider(provider)];
        return {
          default: options.defaultProvider,
          providers: listed.map((p) => describeProvider(p, options.defaultProvider)),
        };
      },
    }),
  ];

  async function stop(): Promise<void> {
    if (sweepTimer) clearInterval(sweepTimer);
    sweepTimer = undefined;
    for (const id of [...chats.keys()]) {
      fail(id, { code: 'UNAVAILABLE', message: 'the sidecar is stopping' });
      abortChat(id);
    }
    stopListening?.();
    stopListening = undefined;
    ctx = undefined;
  }

  return {
    name: 'ai',
    channel: 'ai-response',
    methods,
    guardPublish(event, data) {
      checkProducerEvent(streams, event, data as AiChunkData);
    },
    async start(context) {
      await stop();
      ctx = context;
      // Every event on the channel, producers' and ai.chat's alike, goes into its stream.
      stopListening = context.onEvent('ai-response', ({ event, data, seq }) =>
        streams.record(event, data, seq),
      );
      const every = Math.floor(options.streamTimeoutMs / SWEEPS_PER_TIMEOUT);
      sweepTimer = setInterval(sweep, Math.min(Math.max(10, every), 5000));
      sweepTimer.unref();
      for (const warning of options.warnings) context.log.warn(warning);
      // Shown by `sidecar status` and the dashboard: did the provider configuration take?
      context.setState('running', describeSetup(options));
    },
    stop,
  };
}

function describeSetup(options: ResolvedAiOptions): string {
  if (options.providers.length === 0) return 'no AI provider configured: ai.chat is unavailable';
  const names = options.providers.map((p) =>
    p.name === options.defaultProvider ? `${p.name} (default)` : p.name,
  );
  return `AI providers: ${names.join(', ')}`;
}
