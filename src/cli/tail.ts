import { BUILTIN_CHANNELS, type Channel, connect, isChannel } from '../client/index.js';
import { formatMessage } from './format-event.js';
import { type CliIo, EXIT_USAGE } from './io.js';
import { findTarget, type TargetFlags } from './target.js';

interface TailFlags extends TargetFlags {
  json?: boolean;
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
  const target = await findTarget(flags, io);
  if (!target) return 1;

  const client = connect({ url: target.wsUrl, token: target.token ?? undefined });
  const color = io.isTTY && !io.env.NO_COLOR;
  const print = flags.json
    ? (message: unknown) => io.stdout(`${JSON.stringify(message)}\n`)
    : (message: Parameters<typeof formatMessage>[0]) =>
        io.stdout(`${formatMessage(message, { color })}\n`);
  for (const channel of (channels.length > 0 ? channels : BUILTIN_CHANNELS) as Channel[]) {
    client.subscribe(channel, print);
  }

  client.on('state', ({ state, attempt, error }) => {
    if (state === 'reconnecting') {
      io.stderr(`sidecar: connection lost, reconnecting (attempt ${attempt ?? 1})…\n`);
    }
    if (state === 'open') io.stderr(`sidecar: following ${target.wsUrl}\n`);
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
