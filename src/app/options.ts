import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { createLogger, LOG_LEVELS, type Logger } from '../core/logger.js';
import { integerSetting, numberSetting } from '../core/setting-schemas.js';
import type { Source } from '../core/source.js';
import { previewValue } from '../core/value-preview.js';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../server/method-registry.js';
import { generateToken, isLoopbackAddress } from '../server/security.js';
import {
  aiSettingsSchema,
  type ResolvedAiOptions,
  resolveAiOptions,
} from '../sources/ai/provider-config.js';
import { DIAGNOSTICS_DEFAULTS } from '../sources/diagnostics/index.js';
import { type LspServerConfig, lspSettingsSchema } from '../sources/diagnostics/lsp-settings.js';
import { type FilesSettings, filesSettingsSchema } from '../sources/files/files-settings.js';
import { type GitSettings, gitSettingsSchema } from '../sources/git/git-settings.js';
import { type SearchSettings, searchSettingsSchema } from '../sources/search/search-settings.js';
import {
  type ResolvedValidationOptions,
  resolveValidationOptions,
  validationSettingsSchema,
} from '../sources/validation/validator-config.js';

/**
 * The settings a user can give on the command line, in `sidecar.config.json` or in `SIDECAR_*`
 * variables. One schema for all three, so each is checked the same way.
 */
export const settingsSchema = z
  .object({
    host: z.string().min(1, 'must not be empty'),
    port: integerSetting(0, 65535),
    strictPort: z.boolean(),
    token: z.string().min(16, 'must be at least 16 characters').max(512),
    auth: z.boolean(),
    allowOrigins: z.array(z.string().min(1)),
    allowHosts: z.array(z.string().min(1)),
    heartbeatMs: integerSetting(100, 3_600_000),
    history: integerSetting(0, 1_000_000),
    rateLimit: numberSetting(0, 1_000_000),
    rateBurst: integerSetting(1, 10_000_000),
    maxPayload: integerSetting(1024, 256 * 1024 * 1024),
    highWaterMark: integerSetting(64 * 1024, 1024 * 1024 * 1024),
    logLevel: z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }),
    search: searchSettingsSchema,
    validation: validationSettingsSchema,
    /** AI providers and `ai-response` stream limits; config file or code only. */
    ai: aiSettingsSchema,
    lsp: lspSettingsSchema,
    maxOpenFiles: integerSetting(0, 1_000_000),
    git: gitSettingsSchema,
    files: filesSettingsSchema,
  })
  .partial()
  .strict();

export type Settings = z.infer<typeof settingsSchema>;
export type { LspServerConfig };

/** Everything `createSidecar` accepts: the settings plus what only code can pass. */
export interface SidecarOptions extends Settings {
  /** Workspace root; defaults to the current directory. */
  root?: string;
  /** Replaces the built-in sources; `[]` runs none. */
  sources?: Source[];
  /** Write the discovery file (the CLI does; embedding apps usually do not). */
  discovery?: boolean | { dir: string };
  logger?: Logger;
  /** Where provider variables (`OPENAI_API_KEY`, …) are read; defaults to `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * How long a request may take, built-in methods and methods routed to a providing client
   * alike, unless a method says otherwise; 30 000 ms by default.
   */
  requestTimeoutMs?: number;
}

export interface ResolvedOptions {
  readonly root: string;
  readonly host: string;
  readonly port: number;
  readonly strictPort: boolean;
  /** The token clients must present; null when authentication is off. */
  readonly token: string | null;
  readonly auth: boolean;
  readonly allowOrigins: readonly string[];
  readonly allowHosts: readonly string[];
  readonly heartbeatMs: number;
  readonly history: number;
  readonly rateLimit: number;
  readonly rateBurst: number;
  readonly maxPayload: number;
  readonly highWaterMark: number;
  readonly logLevel: Settings['logLevel'] & string;
  /** The git source's settings; unset ones take the source's defaults. */
  readonly git: Readonly<GitSettings>;
  /** The files source's settings (engine, symbolic links); unset ones take its defaults. */
  readonly files: Readonly<FilesSettings>;
  readonly discovery: false | { dir: string | undefined };
  /** The `search` source's settings, as given (it fills its own defaults). */
  readonly search: Readonly<SearchSettings>;
  readonly logger: Logger;
  readonly sources: Source[] | undefined;
  readonly validation: ResolvedValidationOptions;
  readonly ai: ResolvedAiOptions;
  /** Configured language servers, besides the built-in TypeScript one. */
  readonly lsp: readonly LspServerConfig[];
  /** The most files each language server is given to check. */
  readonly maxOpenFiles: number;
  readonly requestTimeoutMs: number;
}

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 3001,
  heartbeatMs: 30_000,
  history: 1000,
  rateLimit: 100,
  maxPayload: 1024 * 1024,
  highWaterMark: 8 * 1024 * 1024,
  logLevel: 'info',
} as const;

/** A bad option, named as the user gave it (`--port`, `SIDECAR_PORT`, `sidecar.config.json: port`). */
export class OptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptionsError';
  }
}

/**
 * Checks one layer of settings; `nameOf` turns a setting's key into the name the user typed, so
 * errors point at the flag, variable or config key that is wrong.
 */
export function parseSettings(value: unknown, nameOf: (key: string) => string): Settings {
  rejectDeepNesting(value, nameOf);
  const parsed = settingsSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = innermostIssue(parsed.error.issues[0]!);
  if (issue.code === 'unrecognized_keys') {
    if (issue.path.length === 0) {
      throw new OptionsError(`unknown option ${issue.keys.map(nameOf).join(', ')}`);
    }
    const [key, ...inner] = issue.path;
    throw new OptionsError(
      `invalid ${nameOf(String(key))}${describePath(inner)}: unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}`,
    );
  }
  const [first, ...inner] = issue.path;
  const key = String(first ?? '');
  // Never echo a token or key back: error messages end up in logs and bug reports.
  const given = valueAt(value, issue.path);
  const secret =
    issue.path.some((part) => SECRET_SETTINGS.has(String(part))) ||
    (key === 'ai' && typeof given === 'object' && given !== null);
  const shown = secret ? '' : given === undefined ? ' (missing)' : ` (got ${previewValue(given)})`;
  throw new OptionsError(`invalid ${nameOf(key)}${describePath(inner)}: ${issue.message}${shown}`);
}

/** Deeper than any real setting (an LSP server's `initializationOptions` included). */
const MAX_SETTING_DEPTH = 32;

/**
 * A setting nested deeper than MAX_SETTING_DEPTH is refused before anything walks it: copying,
 * freezing or serializing such a value recursively would overflow the stack.
 */
function rejectDeepNesting(value: unknown, nameOf: (key: string) => string): void {
  if (typeof value !== 'object' || value === null) return;
  for (const [key, setting] of Object.entries(value)) {
    if (depthExceeds(setting, MAX_SETTING_DEPTH)) {
      throw new OptionsError(
        `invalid ${nameOf(key)}: nested more than ${MAX_SETTING_DEPTH} levels deep`,
      );
    }
  }
}

/** Whether `value` has objects or arrays nested more than `limit` deep; walks without recursion. */
function depthExceeds(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [item, depth] = pending.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    // A cycle counts as endless nesting, and stops here too.
    if (depth >= limit) return true;
    for (const inner of Object.values(item)) pending.push([inner, depth + 1]);
  }
  return false;
}

type Issue = z.core.$ZodIssue;

/**
 * For a value that matches no option of a union, the issue of the option it came closest to
 * (the one that failed below the top level), with the full path; else the union's own issue.
 */
function innermostIssue(issue: Issue): Issue {
  if (issue.code !== 'invalid_union') return issue;
  const closest = issue.errors.find((issues) =>
    issues.some((inner) => inner.path.length > 0 || inner.code === 'invalid_union'),
  );
  const inner = closest?.find((i) => i.path.length > 0 || i.code === 'invalid_union');
  if (!inner) return issue;
  const found = innermostIssue(inner);
  return { ...found, path: [...issue.path, ...found.path] };
}

/** ` at [0].matcher.line` for a nested setting; nothing for a top-level one. */
function describePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '';
  const text = path
    .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
    .join('')
    .replace(/^\./, '');
  return ` at ${text}`;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const part of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

/** Settings whose values are never shown in an error (an `ai` object may hold keys). */
const SECRET_SETTINGS = new Set(['token', 'apiKey', 'headers']);

/** Fills defaults, checks what depends on several settings, and freezes the result. */
export function normalizeOptions(options: SidecarOptions): ResolvedOptions {
  const settings = parseSettings(pickSettings(options), (key) => `option "${key}"`);
  const root = resolve(options.root ?? process.cwd());
  requireRootFolder(root);
  const host = settings.host ?? DEFAULTS.host;
  const auth = settings.auth ?? true;
  if (!auth && !isLoopbackAddress(host)) {
    throw new OptionsError(
      `turning auth off (--no-auth) is refused with host "${host}": without a token only a loopback address is safe`,
    );
  }
  const rateLimit = settings.rateLimit ?? DEFAULTS.rateLimit;
  const logLevel = settings.logLevel ?? DEFAULTS.logLevel;
  const discovery = options.discovery ?? false;
  let ai: ResolvedAiOptions;
  try {
    ai = resolveAiOptions(settings.ai, options.env ?? process.env);
  } catch (error) {
    throw new OptionsError(`invalid ${(error as Error).message}`);
  }
  return Object.freeze({
    root,
    host,
    port: settings.port ?? DEFAULTS.port,
    strictPort: settings.strictPort ?? false,
    token: auth ? (settings.token ?? generateToken()) : null,
    auth,
    allowOrigins: Object.freeze([...(settings.allowOrigins ?? [])]),
    allowHosts: Object.freeze([...(settings.allowHosts ?? [])]),
    heartbeatMs: settings.heartbeatMs ?? DEFAULTS.heartbeatMs,
    history: settings.history ?? DEFAULTS.history,
    rateLimit,
    rateBurst: settings.rateBurst ?? Math.max(1, Math.ceil(rateLimit * 2)),
    maxPayload: settings.maxPayload ?? DEFAULTS.maxPayload,
    highWaterMark: settings.highWaterMark ?? DEFAULTS.highWaterMark,
    logLevel,
    git: Object.freeze({ ...settings.git }),
    files: Object.freeze({ ...settings.files }),
    discovery:
      discovery === false ? false : { dir: discovery === true ? undefined : discovery.dir },
    search: Object.freeze({ ...settings.search }),
    logger: options.logger ?? createLogger(logLevel),
    sources: options.sources,
    validation: resolveValidationOptions(settings.validation),
    ai,
    lsp: deepFreeze(structuredClone(settings.lsp ?? [])),
    maxOpenFiles: settings.maxOpenFiles ?? DIAGNOSTICS_DEFAULTS.maxOpenFiles,
    requestTimeoutMs: positiveInteger(options.requestTimeoutMs, DEFAULT_REQUEST_TIMEOUT_MS),
  });
}

function pickSettings(options: SidecarOptions): Settings {
  const {
    root: _root,
    sources: _sources,
    discovery: _discovery,
    logger: _logger,
    env: _env,
    requestTimeoutMs: _requestTimeoutMs,
    ...settings
  } = options;
  // Keys explicitly set to undefined mean "not given".
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Throws OptionsError unless `root` is an existing folder. */
export function requireRootFolder(root: string): void {
  if (!isDirectory(root)) throw new OptionsError(`invalid root: "${root}" is not a folder`);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A code-only option that must be a positive integer; otherwise the default. */
function positiveInteger(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) {
    throw new OptionsError(`requestTimeoutMs: expected a positive integer (got ${value})`);
  }
  return value;
}
