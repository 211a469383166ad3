/**
 * One `ai.chat` call from request to last event: streams the provider's answer as `chunk`
 * events and ends with one `done` or `error`. An aborted run writes nothing more: whoever
 * aborted it (`ai.cancel`, the silence timeout, shutdown) has already ended the stream.
 */

import type { Logger } from '../../core/logger.js';
import type { AiDoneData, ErrorBody } from '../../protocol/index.js';
import type { ResolvedProvider } from './provider-config.js';
import { ProviderError } from './provider-error.js';
import { type ChatRequest, STREAM_CHAT } from './providers/index.js';
import type { Redact } from './redact.js';

/** Where a run writes its stream; index bookkeeping is the writer's. */
export interface ChatStreamWriter {
  text(text: string): void;
  /** Upstream bytes without text (pings, role-only deltas). */
  activity(): void;
  done(extra: Partial<AiDoneData>): void;
  fail(error: ErrorBody): void;
}

export interface ChatRun {
  id: string;
  provider: ResolvedProvider;
  request: ChatRequest;
  signal: AbortSignal;
  redact: Redact;
  log: Logger;
  write: ChatStreamWriter;
}

export async function runChat(run: ChatRun): Promise<void> {
  const { id, provider, request, signal, redact, log, write } = run;
  log.debug(`ai.chat ${id}: ${provider.name} (${provider.type}), model ${request.model}`);
  try {
    const outcome = await STREAM_CHAT[provider.type](
      provider,
      request,
      { onText: write.text, onActivity: write.activity },
      { signal, redact },
    );
    if (signal.aborted) return;
    const done: Partial<AiDoneData> = {
      stopReason: outcome.stopReason,
      provider: provider.name,
      model: outcome.model ?? request.model,
    };
    if (outcome.usage) done.usage = outcome.usage;
    write.done(done);
    log.debug(`ai.chat ${id}: done (${outcome.stopReason ?? 'no stop reason'})`);
  } catch (error) {
    if (signal.aborted) return;
    const body: ErrorBody =
      error instanceof ProviderError
        ? error.toBody()
        : {
            code: 'HANDLER_ERROR',
            message: redact(`ai.chat failed: ${(error as Error)?.message ?? String(error)}`),
          };
    log.warn(`ai.chat ${id} via ${provider.name}: ${body.code} ${body.message}`);
    write.fail(body);
  }
}
