/**
 * OpenAI-compatible chat completions (OpenAI, Ollama, LM Studio, llama.cpp server, vLLM,
 * OpenRouter, Gemini's compatible endpoint): `POST {baseUrl}/chat/completions` with
 * `stream: true`; the answer is `chat.completion.chunk` events ending with `data: [DONE]`.
 */

import type { AiUsage } from '../../../protocol/index.js';
import { endpoint } from '../provider-config.js';
import { errorFromStreamEvent, incompleteStream } from '../provider-error.js';
import { parseEventJson, postAndReadEvents } from './http.js';
import type { ChatOutcome, StreamChat } from './types.js';

interface CompletionChunk {
  model?: string;
  choices?: { index?: number; delta?: { content?: unknown }; finish_reason?: string | null }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number } | null;
  /** Some compatible servers (vLLM, OpenRouter) report failures inside the stream. */
  error?: unknown;
}

export const streamOpenAiCompatible: StreamChat = async (provider, request, handlers, context) => {
  const messages = request.system
    ? [{ role: 'system', content: request.system }, ...request.messages]
    : request.messages;
  const body: Record<string, unknown> = {
    model: request.model,
    messages,
    stream: true,
    // One more chunk before [DONE], with `choices: []` and the whole request's token counts.
    stream_options: { include_usage: true },
  };
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  const headers: Record<string, string> = {};
  if (provider.apiKey) headers.authorization = `Bearer ${provider.apiKey}`;

  const outcome: ChatOutcome = { stopReason: null };
  const { stopped } = await postAndReadEvents(
    provider,
    endpoint(provider.baseUrl, '/chat/completions'),
    headers,
    body,
    context,
    {
      onActivity: handlers.onActivity,
      onEvent(message) {
        if (message.data.trim() === '[DONE]') return true;
        const chunk = parseEventJson(message, provider.name) as CompletionChunk;
        if (chunk.error) throw errorFromStreamEvent(chunk.error, provider.name, context.redact);
        if (typeof chunk.model === 'string') outcome.model = chunk.model;
        // Only the first choice is streamed: `ai.chat` never asks for more than one.
        const choice = chunk.choices?.find((c) => (c.index ?? 0) === 0);
        const text = choice?.delta?.content;
        if (typeof text === 'string' && text !== '') handlers.onText(text);
        if (choice?.finish_reason) outcome.stopReason = choice.finish_reason;
        if (chunk.usage) outcome.usage = usageOf(chunk.usage);
        return undefined;
      },
    },
  );
  // Servers that end without [DONE] after a finish_reason have still finished the answer.
  if (!stopped && outcome.stopReason === null) throw incompleteStream(provider.name);
  return outcome;
};

function usageOf(usage: NonNullable<CompletionChunk['usage']>): AiUsage {
  const result: AiUsage = {};
  if (typeof usage.prompt_tokens === 'number') result.inputTokens = usage.prompt_tokens;
  if (typeof usage.completion_tokens === 'number') result.outputTokens = usage.completion_tokens;
  if (typeof usage.total_tokens === 'number') result.totalTokens = usage.total_tokens;
  return result;
}
