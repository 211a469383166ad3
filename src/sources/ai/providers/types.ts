import type { AiChatMessage, AiUsage } from '../../../protocol/index.js';
import type { ResolvedProvider } from '../provider-config.js';
import type { Redact } from '../redact.js';

/** One `ai.chat` call, with the model already chosen. */
export interface ChatRequest {
  model: string;
  messages: AiChatMessage[];
  system?: string;
  maxTokens?: number;
  temperature?: number;
}

export interface ChatHandlers {
  /** The next piece of the answer's text, in order; never empty. */
  onText(text: string): void;
  /** Bytes arrived (pings included), so the stream is not timed out as silent. */
  onActivity(): void;
}

/** How the answer ended, as far as the provider said. */
export interface ChatOutcome {
  stopReason: string | null;
  usage?: AiUsage;
  /** The model the provider reports having used. */
  model?: string;
}

export interface ChatContext {
  signal: AbortSignal;
  redact: Redact;
}

/**
 * Streams one chat from a provider. Resolves when the provider says the answer is complete;
 * rejects with a ProviderError (or the abort reason once `signal` is aborted).
 */
export type StreamChat = (
  provider: ResolvedProvider,
  request: ChatRequest,
  handlers: ChatHandlers,
  context: ChatContext,
) => Promise<ChatOutcome>;
