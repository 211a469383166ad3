import { resolve } from 'node:path';
import type { Command } from 'commander';
import { OptionsError, parseSettings, requireRootFolder, type Settings } from '../app/options.js';
import { type Sidecar, startSidecar } from '../app/sidecar.js';
import { createLogger } from '../core/logger.js';
import { VERSION } from '../core/version.js';
import { readDiscovery } from '../server/discovery.js';
import { type CliIo, EXIT_USAGE } from './io.js';
import { mergeSettings, settingsFromConfigFile, settingsFromEnv } from './settings-sources.js';

interface ServeFlags {
  root?: string;
  host?: string;
  port?: string;
  strictPort?: boolean;
  token?: string;
  auth?: boolean;
  allowOrigin?: string[];
  allowHost?: string[];
  heartbeat?: string;
  history?: string;
  rateLimit?: string;
  maxPayload?: string;
  logLevel?: Settings['logLevel'];
  config?: string;
}

/** Each setting and the flag that sets it, so errors name what the user typed. */
const FLAG_OF: Record<string, string> = {
  host: '--host',
  port: '--port',
  strictPort: '--strict-port',
  token: '--token',
  auth: '--no-auth',
  allowOrigins: '--allow-origin',
  allowHosts: '--allow-host',
  heartbeatMs: '--heartbeat',
  history: '--history',
  rateLimit: '--rate-limit',
  maxPayload: '--max-payload',
  logLevel: '--log-level',
};

function settingsFromFlags(
  flags: ServeFlags,
  command: Pick<Command, 'getOptionValueSource'>,
): Settings {
  const raw: Record<string, unknown> = {
    host: flags.host,
    port: flags.port,
    strictPort: flags.strictPort,
    token: flags.token,
    // --no-auth makes commander default `auth` to true; only a flag given on the line counts.
    auth: command.getOptionValueSource('auth') === 'cli' ? flags.auth : undefined,
    allowOrigins: flags.allowOrigin,
    allowHosts: flags.allowHost,
    heartbeatMs: flags.heartbeat,
    history: flags.history,
    rateLimit: flags.rateLimit,
    maxPayload: flags.maxPayload,
    logLevel: flags.logLevel,
  };
  const given = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined));
  return parseSettings(given, (key) => FLAG_OF[key] ?? key);
}

/** `sidecar serve`: starts the sidecar and keeps it running until SIGINT or SIGTERM. */
export async function serve(flags: ServeFlags, command: Command, io: CliIo): Promise<number> {
  const startedAt = performance.now();
  const root = resolve(io.cwd, flags.root ?? '.');
  let settings: Settings;
  try {
    // Before the config file is looked for in it: a root that is a file is named as such.
    requireRootFolder(root);
    const fromFile = await settingsFromConfigFile(
      root,
      flags.config && resolve(io.cwd, flags.config),
    );
    settings = mergeSettings(fromFile, settingsFromEnv(io.env), settingsFromFlags(flags, command));
  } catch (error) {
    return usageError(io, error);
  }

  const running = await readDiscovery(root);
  if (running && running.pid !== process.pid) {
    io.stderr(
      `sidecar: already running for ${root} at ${running.url} (pid ${running.pid}).\n` +
        `  Follow it with \`npx sidecar tail\`, or stop it first.\n`,
    );
    return 1;
  }

  const logLevel = settings.logLevel ?? 'info';
  const logger = createLogger(logLevel, (line) => io.stderr(`${line}\n`));
  let sidecar: Sidecar;
  try {
    sidecar = await startSidecar({
      ...settings,
      root,
      discovery: true,
      logger,
      env: io.env,
    });
  } catch (error) {
    if (error instanceof OptionsError) return usageError(io, error);
    io.stderr(`sidecar: ${(error as Error).message}\n`);
    return 1;
  }

  // Before the banner: whoever reads it (a test, a supervisor) may send a signal at once.
  stopOnSignals(sidecar, io);
  if (logLevel !== 'silent')
    io.stdout(banner(sidecar, settings.port, performance.now() - startedAt));
  // A stray rejection in one source must not take down the hub every tool depends on.
  process.on('unhandledRejection', (reason) =>
    logger.error('unhandled rejection (kept running)', reason),
  );
  return 0;
}

function usageError(io: CliIo, error: unknown): number {
  if (!(error instanceof OptionsError)) throw error;
  io.stderr(`sidecar: ${error.message}\n`);
  return EXIT_USAGE;
}

function banner(sidecar: Sidecar, askedPort: number | undefined, elapsedMs: number): string {
  const { options } = sidecar;
  const lines = [
    '',
    `  sidecar v${VERSION}  ready in ${Math.round(elapsedMs)} ms`,
    '',
    `  Dashboard:  ${sidecar.dashboardUrl}`,
    `  WebSocket:  ${sidecar.wsUrl}`,
    `  Root:       ${options.root}`,
    options.token
      ? '  Token:      in the dashboard URL; clients send "Authorization: Bearer <token>" or ?token='
      : '  Auth:       off (--no-auth): any local process may connect',
  ];
  const wanted = askedPort ?? 3001;
  if (wanted !== 0 && sidecar.port !== wanted)
    lines.push('', `  Port ${wanted} was in use; using ${sidecar.port}.`);
  if (sidecar.discoveryFile) lines.push(`  Discovery:  ${sidecar.discoveryFile}`);
  return `${lines.join('\n')}\n\n`;
}

function stopOnSignals(sidecar: Sidecar, io: CliIo): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      io.stderr('sidecar: forced exit\n');
      process.exit(1);
    }
    stopping = true;
    io.stderr(`sidecar: ${signal}, shutting down\n`);
    sidecar.close(`server received ${signal}`).then(
      () => process.exit(0),
      (error: unknown) => {
        io.stderr(`sidecar: shutdown failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
