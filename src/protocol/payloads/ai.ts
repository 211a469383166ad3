/**
 * The `ai-response` channel's streams (`chunk`, `done`, `error`) and the `ai.*` methods' params
 * and results.
 */

import type { ErrorBody } from '../errors.js';

export const AI_EVENTS = ['chunk', 'done', 'error'] as const;
export type AiEventKind = (typeof AI_EVENTS)[number];

export interface AiChunkData {
  /** The stream's id. */
  id: string;
  chunk: string;
  /** Counts the chunks of stream `id` from 0. */
  index: number;
  finished: boolean;
  [extra: string]: unknown;
}
/** Token counts, when the provider reports them. */
export interface AiUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
}
/** The last event of a stream that ended normally (`finished: true`). */
export interface AiDoneData extends AiChunkData {
  /** The provider's own reason (`stop`, `end_turn`, `length`, …), `cancelled` after `ai.cancel`. */
  stopReason?: string | null;
  usage?: AiUsage;
  /** `ai.chat` streams: which configured provider and model answered. */
  provider?: string;
  model?: string;
  /** True when `ai.cancel` ended the stream. */
  cancelled?: boolean;
}
/** The last event of a stream that failed (`finished: true`). */
export interface AiErrorData extends AiChunkData {
  /** Set by the sidecar (timeouts, `ai.chat` failures); producers may send their own fields. */
  error?: ErrorBody;
}

export interface AiChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}
export interface AiChatParams {
  /** A configured provider's name; the default provider when left out. */
  provider?: string;
  /** The provider's default model when left out. */
  model?: string;
  messages: AiChatMessage[];
  system?: string;
  maxTokens?: number;
  temperature?: number;
}
/** What `ai.get` knows of a stream: enough for a late panel to catch up without a gap. */
export interface AiStreamState {
  id: string;
  /** Every chunk's text so far, in order. */
  text: string;
  /** The index of the last event taken into `text`; -1 before the first. */
  lastIndex: number;
  finished: boolean;
  /** The `ai-response` seq of the stream's last event, 0 before the first. */
  seq: number;
  /** True when `text` stopped growing at the sidecar's size limit (live chunks still flow). */
  truncated: boolean;
  /** The data of the `done` or `error` event that ended the stream. */
  end?: { event: 'done' | 'error'; data: AiDoneData | AiErrorData };
}
export type AiProviderType = 'openai-compatible' | 'anthropic';
export interface AiProviderInfo {
  name: string;
  type: AiProviderType;
  /** Without credentials or query string. */
  baseUrl: string;
  models: string[];
  defaultModel: string | null;
  isDefault: boolean;
  /** Whether an API key is configured (never the key itself). */
  hasKey: boolean;
}
export interface AiModelsResult {
  default: string | null;
  providers: AiProviderInfo[];
}
