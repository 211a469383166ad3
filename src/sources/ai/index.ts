export { createAiSource } from './ai-source.js';
export {
  type AiSettings,
  aiSettingsSchema,
  type ResolvedAiOptions,
  resolveAiOptions,
} from './provider-config.js';
