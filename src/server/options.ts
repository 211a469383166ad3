import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { createLogger, LOG_LEVELS, type Logger } from '../logger.js';
import type { Source } from '../sources/source.js';
import { generateToken, isLoopbackAddress } from './security.js';

/**
 * The settings a user can give on the command line, in `sidecar.config.json` or in `SIDECAR_*`
 * variables. One schema for all three, so each is checked the same way.
 */
export const settingsSchema = z
  .object({
    host: z.string().min(1, 'must not be empty'),
    port: integer(0, 65535),
    strictPort: z.boolean(),
    token: z.string().min(16, 'must be at least 16 characters').max(512),
    auth: z.boolean(),
    allowOrigins: z.array(z.string().min(1)),
    allowHosts: z.array(z.string().min(1)),
    heartbeatMs: integer(100, 3_600_000),
    history: integer(0, 1_000_000),
    rateLimit: number(0, 1_000_000),
    rateBurst: integer(1, 10_000_000),
    maxPayload: integer(1024, 256 * 1024 * 1024),
    highWaterMark: integer(64 * 1024, 1024 * 1024 * 1024),
    logLevel: z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }),
    search: z
      .object({
        engine: z.enum(['auto', 'ripgrep', 'builtin'], {
          error: 'expected one of auto, ripgrep, builtin',
        }),
        ripgrepPath: z.string().min(1, 'must not be empty'),
        maxResults: integer(1, 20_000),
        maxFileSize: integer(1, 2 ** 40),
        maxConcurrentPerClient: integer(1, 100),
      })
      .partial()
      .strict(),
  })
  .partial()
  .strict();

export type Settings = z.infer<typeof settingsSchema>;

/** Numbers arrive as strings from flags and variables; the message says what is wanted. */
function number(min: number, max: number) {
  const message = `expected a number from ${min} to ${max}`;
  return z.coerce.number({ error: message }).min(min, message).max(max, message);
}

function integer(min: number, max: number) {
  const message = `expected a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: message }).int(message).min(min, message).max(max, message);
}

/** Everything `createSidecar` accepts: the settings plus what only code can pass. */
export interface SidecarOptions extends Settings {
  /** Workspace root; defaults to the current directory. */
  root?: string;
  /** Replaces the built-in sources; `[]` runs none. */
  sources?: Source[];
  /** Write the discovery file (the CLI does; embedding apps usually do not). */
  discovery?: boolean | { dir: string };
  logger?: Logger;
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
  readonly discovery: false | { dir: string | undefined };
  /** The `search` source's settings, as given (it fills its own defaults). */
  readonly search: Readonly<NonNullable<Settings['search']>>;
  readonly logger: Logger;
  readonly sources: Source[] | undefined;
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
  const parsed = settingsSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  // A nested setting is named with dots: `search.maxResults`.
  const prefix = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((key) => [...prefix, key].join('.'));
    throw new OptionsError(`unknown option ${keys.map(nameOf).join(', ')}`);
  }
  const key = prefix.join('.');
  let given: unknown = value;
  for (const segment of prefix) {
    given =
      typeof given === 'object' && given ? (given as Record<string, unknown>)[segment] : undefined;
  }
  // Never echo a token back: error messages end up in logs and bug reports.
  const shown = key === 'token' ? '' : ` (got ${JSON.stringify(given)})`;
  throw new OptionsError(`invalid ${nameOf(key)}: ${issue.message}${shown}`);
}

/** Fills defaults, checks what depends on several settings, and freezes the result. */
export function normalizeOptions(options: SidecarOptions): ResolvedOptions {
  const settings = parseSettings(pickSettings(options), (key) => `option "${key}"`);
  const root = resolve(options.root ?? process.cwd());
  if (!isDirectory(root)) throw new OptionsError(`invalid root: "${root}" is not a folder`);
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
    discovery:
      discovery === false ? false : { dir: discovery === true ? undefined : discovery.dir },
    search: Object.freeze({ ...settings.search }),
    logger: options.logger ?? createLogger(logLevel),
    sources: options.sources,
  });
}

function pickSettings(options: SidecarOptions): Settings {
  const {
    root: _root,
    sources: _sources,
    discovery: _discovery,
    logger: _logger,
    ...settings
  } = options;
  // Keys explicitly set to undefined mean "not given".
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
