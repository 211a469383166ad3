import type { AiProviderType } from '../../../protocol/index.js';
import { streamAnthropic } from './anthropic.js';
import { streamOpenAiCompatible } from './openai-compatible.js';
import type { StreamChat } from './types.js';

export type { ChatHandlers, ChatOutcome, ChatRequest, StreamChat } from './types.js';

export const STREAM_CHAT: Readonly<Record<AiProviderType, StreamChat>> = {
  'openai-compatible': streamOpenAiCompatible,
  anthropic: streamAnthropic,
};
