/** The channels' names: built-in, custom, which hold state and which clients may publish on. */

export const BUILTIN_CHANNELS = [
  'files',
  'diagnostics',
  'ai-response',
  'search',
  'validation',
  'git',
  'system',
  'editor',
] as const;
export type BuiltinChannel = (typeof BUILTIN_CHANNELS)[number];

/** Producers may create their own channels, named `custom:<name>`. */
export type CustomChannel = `custom:${string}`;
export type Channel = BuiltinChannel | CustomChannel;

/** Channels that hold current state: a fresh subscriber gets a `snapshot` first. */
export const STATE_CHANNELS = ['git', 'diagnostics', 'validation', 'editor'] as const;
export type StateChannel = (typeof STATE_CHANNELS)[number];

export const CUSTOM_CHANNEL_PATTERN = /^custom:[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function isBuiltinChannel(name: string): name is BuiltinChannel {
  return (BUILTIN_CHANNELS as readonly string[]).includes(name);
}

export function isCustomChannel(name: string): name is CustomChannel {
  return CUSTOM_CHANNEL_PATTERN.test(name);
}

export function isChannel(name: string): name is Channel {
  return isBuiltinChannel(name) || isCustomChannel(name);
}

export function isStateChannel(name: string): name is StateChannel {
  return (STATE_CHANNELS as readonly string[]).includes(name);
}

/** Clients may publish only on `ai-response` and on custom channels. */
export function isPublishableChannel(name: string): boolean {
  return name === 'ai-response' || isCustomChannel(name);
}

/**
 * How deeply a published event's `data` may nest arrays and objects (`{"a":[1]}` is 2 levels).
 * Deeper data is refused with INVALID_PARAMS before it gets a seq.
 */
export const MAX_PUBLISH_DEPTH = 128;
