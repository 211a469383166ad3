/**
 * The `ai` section of the settings and the providers' conventional environment variables,
 * normalized once into frozen options. API keys live only here and in the request headers.
 */

import { z } from 'zod';
import type { AiProviderInfo, AiProviderType } from '../../protocol/index.js';

export const PROVIDER_TYPES = [
  'openai-compatible',
  'anthropic',
] as const satisfies readonly AiProviderType[];

const DEFAULT_BASE_URL: Readonly<Record<AiProviderType, string>> = {
  'openai-compatible': 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
};

/** The variables each provider type's own tools read, and the provider they create. */
const CONVENTIONAL_VARIABLES: readonly {
  name: string;
  type: AiProviderType;
  baseUrl: string;
  apiKey: string;
}[] = [
  {
    name: 'openai',
    type: 'openai-compatible',
    baseUrl: 'OPENAI_BASE_URL',
    apiKey: 'OPENAI_API_KEY',
  },
  {
    name: 'anthropic',
    type: 'anthropic',
    baseUrl: 'ANTHROPIC_BASE_URL',
    apiKey: 'ANTHROPIC_API_KEY',
  },
];

export const AI_DEFAULTS = {
  streamTimeoutMs: 120_000,
  maxStreams: 1000,
  keepFinishedMs: 10 * 60_000,
  /** Text `ai.get` keeps per stream. */
  maxTextChars: 1_000_000,
} as const;

const whole = (min: number, max: number) => {
  const message = `expected a whole number from ${min} to ${max}`;
  return z.number({ error: message }).int(message).min(min, message).max(max, message);
};

const httpUrl = z
  .string()
  .refine((value) => parseHttpUrl(value) !== undefined, 'expected an http:// or https:// URL');

const providerSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected 1–64 letters, digits, . _ or -'),
    type: z.enum(PROVIDER_TYPES, { error: `expected one of ${PROVIDER_TYPES.join(', ')}` }),
    baseUrl: httpUrl.optional(),
    /** Prefer `apiKeyEnv`: a config file is easy to commit by mistake. */
    apiKey: z.string().min(1).optional(),
    apiKeyEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name')
      .optional(),
    model: z.string().min(1).optional(),
    models: z.array(z.string().min(1)).max(1000).optional(),
    maxTokens: whole(1, 10_000_000).optional(),
    headers: z.record(z.string().min(1), z.string()).optional(),
  })
  .strict();

export const aiSettingsSchema = z
  .object({
    providers: z.array(providerSchema).max(64).optional(),
    default: z.string().min(1).optional(),
    streamTimeoutMs: whole(50, 24 * 3_600_000).optional(),
    maxStreams: whole(1, 1_000_000).optional(),
    keepFinishedMs: whole(0, 7 * 24 * 3_600_000).optional(),
  })
  .strict();

export type AiSettings = z.infer<typeof aiSettingsSchema>;
type ProviderSettings = z.infer<typeof providerSchema>;

export interface ResolvedProvider {
  readonly name: string;
  readonly type: AiProviderType;
  /** Without a trailing slash; endpoints are appended to its path. */
  readonly baseUrl: string;
  readonly apiKey: string | undefined;
  readonly defaultModel: string | null;
  readonly models: readonly string[];
  readonly maxTokens: number | undefined;
  readonly headers: Readonly<Record<string, string>>;
  /** Given a key or a base URL: eligible to be the default provider. */
  readonly configured: boolean;
}

export interface ResolvedAiOptions {
  readonly providers: readonly ResolvedProvider[];
  readonly defaultProvider: string | null;
  readonly streamTimeoutMs: number;
  readonly maxStreams: number;
  readonly keepFinishedMs: number;
  readonly maxTextChars: number;
  /** Every key and header value, so errors and logs can be scrubbed of them. */
  readonly secrets: readonly string[];
  /** Problems with the environment's variables (skipped, not fatal), logged at start. */
  readonly warnings: readonly string[];
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Providers from the config (in order), then `openai` and `anthropic` from their variables when
 * set and not already named in the config. Throws an Error naming the bad setting.
 */
export function resolveAiOptions(settings: AiSettings = {}, env: Env = {}): ResolvedAiOptions {
  const warnings: string[] = [];
  // Another tool's variable must not stop the sidecar: a bad one is skipped with a warning.
  const read = (name: string) => (env[name] === '' ? undefined : env[name]);
  const readUrl = (name: string) => {
    const value = read(name);
    if (value === undefined || parseHttpUrl(value)) return { value };
    warnings.push(`${name} is not an http:// or https:// URL; its provider is left out`);
    return { value, invalid: true };
  };
  const fromConfig = (settings.providers ?? []).flatMap((p) => {
    const resolved = resolveConfigured(p, read, readUrl);
    return resolved ? [resolved] : [];
  });
  const names = new Set(settings.providers?.map((p) => p.name));
  if (names.size !== (settings.providers?.length ?? 0)) {
    throw new Error('ai.providers: two providers share a name');
  }
  const fromEnv = CONVENTIONAL_VARIABLES.flatMap((v) => {
    if (names.has(v.name) || !(read(v.baseUrl) || read(v.apiKey))) return [];
    const baseUrl = readUrl(v.baseUrl);
    if (baseUrl.invalid) return [];
    return [
      provider({ name: v.name, type: v.type, baseUrl: baseUrl.value, apiKey: read(v.apiKey) }),
    ];
  });
  const providers = [...fromConfig, ...fromEnv];
  const defaultProvider = settings.default ?? providers.find((p) => p.configured)?.name ?? null;
  if (settings.default && !providers.some((p) => p.name === settings.default)) {
    throw new Error(
      `ai.default: no provider named "${settings.default}" (configured: ${providers.map((p) => p.name).join(', ') || 'none'})`,
    );
  }
  const secrets = providers.flatMap((p) => [
    ...(p.apiKey ? [p.apiKey] : []),
    ...Object.values(p.headers),
    ...urlSecrets(p.baseUrl),
  ]);
  return Object.freeze({
    providers: Object.freeze(providers),
    defaultProvider,
    streamTimeoutMs: settings.streamTimeoutMs ?? AI_DEFAULTS.streamTimeoutMs,
    maxStreams: settings.maxStreams ?? AI_DEFAULTS.maxStreams,
    keepFinishedMs: settings.keepFinishedMs ?? AI_DEFAULTS.keepFinishedMs,
    maxTextChars: AI_DEFAULTS.maxTextChars,
    secrets: Object.freeze(secrets),
    warnings: Object.freeze(warnings),
  });
}

function resolveConfigured(
  settings: ProviderSettings,
  read: (name: string) => string | undefined,
  readUrl: (name: string) => { value: string | undefined; invalid?: boolean },
): ResolvedProvider | undefined {
  let apiKey = settings.apiKey;
  if (!apiKey && settings.apiKeyEnv) apiKey = read(settings.apiKeyEnv);
  let baseUrl = settings.baseUrl;
  // With neither a key nor a URL of its own, a provider follows its type's variables. A key is
  // never taken from them for a provider whose URL points elsewhere: it would leak there.
  if (!baseUrl && !apiKey && !settings.apiKeyEnv) {
    const conventional = CONVENTIONAL_VARIABLES.find((v) => v.type === settings.type)!;
    const url = readUrl(conventional.baseUrl);
    if (url.invalid) return undefined;
    baseUrl = url.value;
    apiKey = read(conventional.apiKey);
  }
  return provider({ ...settings, baseUrl, apiKey });
}

function provider(settings: ProviderSettings): ResolvedProvider {
  const models = [
    ...new Set([...(settings.model ? [settings.model] : []), ...(settings.models ?? [])]),
  ];
  return Object.freeze({
    name: settings.name,
    type: settings.type,
    baseUrl: (settings.baseUrl ?? DEFAULT_BASE_URL[settings.type]).replace(/\/+$/, ''),
    apiKey: settings.apiKey,
    defaultModel: settings.model ?? models[0] ?? null,
    models: Object.freeze(models),
    maxTokens: settings.maxTokens,
    headers: Object.freeze({ ...settings.headers }),
    configured: Boolean(settings.apiKey || settings.baseUrl),
  });
}

/** What `ai.models` shows of a provider: never the key, never credentials in the URL. */
export function describeProvider(p: ResolvedProvider, defaultName: string | null): AiProviderInfo {
  const url = new URL(p.baseUrl);
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  return {
    name: p.name,
    type: p.type,
    baseUrl: url.toString().replace(/\/+$/, ''),
    models: [...p.models],
    defaultModel: p.defaultModel,
    isDefault: p.name === defaultName,
    hasKey: Boolean(p.apiKey),
  };
}

/** `base` + `path`, keeping the base's own path and query (`?api-version=…`). */
export function endpoint(base: string, path: string): URL {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  return url;
}

function parseHttpUrl(value: string): URL | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** A password in the URL, and query values long enough to be tokens (`?key=…`). */
function urlSecrets(baseUrl: string): string[] {
  const url = new URL(baseUrl);
  const tokens = [...url.searchParams.values()].filter((value) => value.length >= 8);
  return [url.password, decodeURIComponent(url.password), ...tokens].filter(Boolean);
}
