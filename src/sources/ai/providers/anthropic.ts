/**
 * Anthropic Messages API: `POST {baseUrl}/v1/messages` with `stream: true`. The answer is named
 * events: message_start, content_block_start/delta/stop, ping, message_delta (stop_reason,
 * usage), message_stop, or error.
 */

import type { AiUsage } from '../../../protocol/index.js';
import { endpoint } from '../provider-config.js';
import { errorFromStreamEvent, incompleteStream } from '../provider-error.js';
import { parseEventJson, postAndReadEvents } from './http.js';
import type { ChatOutcome, StreamChat } from './types.js';

export const ANTHROPIC_VERSION = '2023-06-01';
/** The API requires max_tokens; used when neither the call nor the provider sets one. */
export const DEFAULT_MAX_TOKENS = 4096;

interface AnthropicUsage {
  input_tokens?: number;
  output_tokens?: number;
}
interface AnthropicEvent {
  type?: string;
  message?: { model?: string; usage?: AnthropicUsage };
  delta?: { type?: string; text?: unknown; stop_reason?: string | null };
  usage?: AnthropicUsage;
  error?: unknown;
}

export const streamAnthropic: StreamChat = async (provider, request, handlers, context) => {
  // The Messages API takes system text as a parameter, not as a message role.
  const system = [
    request.system,
    ...request.messages.filter((m) => m.role === 'system').map((m) => m.content),
  ].filter((text): text is string => Boolean(text));
  const body: Record<string, unknown> = {
    model: request.model,
    max_tokens: request.maxTokens ?? provider.maxTokens ?? DEFAULT_MAX_TOKENS,
    messages: request.messages.filter((m) => m.role !== 'system'),
    stream: true,
  };
  if (system.length > 0) body.system = system.join('\n\n');
  if (request.temperature !== undefined) body.temperature = request.temperature;
  const headers: Record<string, string> = { 'anthropic-version': ANTHROPIC_VERSION };
  if (provider.apiKey) headers['x-api-key'] = provider.apiKey;

  const outcome: ChatOutcome = { stopReason: null };
  const usage: AiUsage = {};
  const takeUsage = (from: AnthropicUsage | undefined) => {
    if (typeof from?.input_tokens === 'number') usage.inputTokens = from.input_tokens;
    // message_delta's count is cumulative: it replaces message_start's.
    if (typeof from?.output_tokens === 'number') usage.outputTokens = from.output_tokens;
  };
  const { stopped } = await postAndReadEvents(
    provider,
    endpoint(provider.baseUrl, '/v1/messages'),
    headers,
    body,
    context,
    {
      onActivity: handlers.onActivity,
      onEvent(message) {
        const event = parseEventJson(message, provider.name) as AnthropicEvent;
        switch (event.type ?? message.event) {
          case 'message_start':
            if (typeof event.message?.model === 'string') outcome.model = event.message.model;
            takeUsage(event.message?.usage);
            break;
          case 'content_block_delta':
            // Text only: thinking and tool-input deltas are not part of the answer's text.
            if (event.delta?.type === 'text_delta' && typeof event.delta.text === 'string') {
              if (event.delta.text !== '') handlers.onText(event.delta.text);
            }
            break;
          case 'message_delta':
            if (event.delta?.stop_reason) outcome.stopReason = event.delta.stop_reason;
            takeUsage(event.usage);
            break;
          case 'message_stop':
            return true;
          case 'error':
            throw errorFromStreamEvent(event.error, provider.name, context.redact);
          // ping, content_block_start, content_block_stop and new event types: nothing to do.
        }
        return undefined;
      },
    },
  );
  if (!stopped) throw incompleteStream(provider.name);
  if (usage.inputTokens !== undefined || usage.outputTokens !== undefined) {
    outcome.usage = { ...usage };
    if (usage.inputTokens !== undefined && usage.outputTokens !== undefined) {
      outcome.usage.totalTokens = usage.inputTokens + usage.outputTokens;
    }
  }
  return outcome;
};
