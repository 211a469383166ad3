import { resolve } from 'node:path';
import { BUILTIN_CHANNELS, type Channel, connect, isChannel } from '../client/index.js';
import { readDiscovery } from '../server/discovery.js';
import { formatMessage } from './format-event.js';
import { type CliIo, EXIT_USAGE } from './program.js';

interface TailFlags {
  json?: boolean;
  url?: string;
  token?: string;
  root?: string;
}

/** `sidecar tail`: follows a running sidecar's channels until interrupted. */
export async function tail(channels: string[], flags: TailFlags, io: CliIo): Promise<number> {
  const unknown = channels.filter((name) => !isChannel(name));
  if (unknown.length > 0) {
    io.stderr(
      `sidecar: unknown channel ${unknown.join(', ')}; channels are ${BUILTIN_CHANNELS.join(', ')}, custom:<name>\n`,
    );
    return EXIT_USAGE;
  }
  if (flags.url && !URL.canParse(flags.url)) {
    io.stderr(`sidecar: invalid --url "${flags.url}": expected e.g. ws://127.0.0.1:3001/ws\n`);
    return EXIT_USAGE;
  }
  const target = await findServer(flags, io);
  if (!target) return 1;

  const client = connect({ url: target.url, token: target.token ?? undefined });
  const color = io.isTTY && !io.env.NO_COLOR;
  const print = flags.json
    ? (message: unknown) => io.stdout(`${JSON.stringify(message)}\n`)
    : (message: Parameters<typeof formatMessage>[0]) =>
        io.stdout(`${formatMessage(message, { color })}\n`);
  for (const channel of (channels.length > 0 ? channels : BUILTIN_CHANNELS) as Channel[]) {
    client.subscribe(channel, print);
  }

  client.on('state', ({ state, attempt, error }) => {
    if (state === 'reconnecting')
      io.stderr(`sidecar: connection lost, reconnecting (attempt ${attempt ?? 1})…\n`);
    if (state === 'open') io.stderr(`sidecar: following ${target.url}\n`);
    if (state === 'closed' && error) {
      io.stderr(`sidecar: ${error.message}\n`);
      process.exitCode = 1;
    }
  });
  client.on('gap', ({ channel }) =>
    io.stderr(`sidecar: some ${channel} events were missed while disconnected\n`),
  );

  const stop = () => {
    client.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return 0;
}

async function findServer(
  flags: TailFlags,
  io: CliIo,
): Promise<{ url: string; token: string | null } | undefined> {
  if (flags.url)
    return { url: toWebSocketUrl(flags.url), token: flags.token ?? io.env.SIDECAR_TOKEN ?? null };
  const root = resolve(io.cwd, flags.root ?? '.');
  const record = await readDiscovery(root);
  if (!record) {
    io.stderr(
      `sidecar: no sidecar is running for ${root}.\n  Start one with \`npx sidecar serve\`, or pass --url and --token.\n`,
    );
    return undefined;
  }
  return { url: toWebSocketUrl(record.url), token: flags.token ?? record.token };
}

/** Accepts the dashboard's http URL as well as the ws one. */
function toWebSocketUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol === 'http:') parsed.protocol = 'ws:';
  if (parsed.protocol === 'https:') parsed.protocol = 'wss:';
  if (parsed.pathname === '/' || parsed.pathname === '') parsed.pathname = '/ws';
  parsed.searchParams.delete('token');
  return parsed.toString();
}
