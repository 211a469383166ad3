import { Command, CommanderError, Option } from 'commander';
import { OptionsError } from '../app/options.js';
import { VERSION } from '../core/version.js';
import { type CliIo, defaultIo, EXIT_USAGE } from './io.js';

/**
 * Builds the `sidecar` program. Actions import their command lazily, so `--help` and
 * `--version` never load the server.
 */
export function createProgram(io: CliIo, onExitCode: (code: number) => void): Command {
  const program = new Command('sidecar')
    .description('A local real-time event hub for developer tools.')
    .version(VERSION, '-v, --version', 'print the version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();

  program
    .command('serve')
    .description('serve the workspace on a WebSocket (and the dashboard) on loopback')
    .option('--root <dir>', 'workspace root (default: the current folder)')
    .option('--host <host>', 'address to bind (default: 127.0.0.1)')
    .option('--port <n>', 'port; the next free one is used when taken (default: 3001, 0 = any)')
    .option('--strict-port', 'fail instead of trying the next port')
    .option('--token <token>', 'the token clients must present (default: a random one)')
    .option('--no-auth', 'accept clients without a token (loopback only)')
    .option('--allow-origin <pattern...>', 'also accept this browser Origin; * wildcards')
    .option('--allow-host <host...>', 'also accept this Host header')
    .option('--heartbeat <ms>', 'ping interval; a peer silent for two is dropped (default: 30000)')
    .option('--history <n>', 'events kept per channel for resume (default: 1000)')
    .option('--rate-limit <n>', 'messages/s per connection, 0 = off (default: 100)')
    .option('--max-payload <bytes>', 'largest inbound message (default: 1048576)')
    .addOption(
      new Option('--log-level <level>', 'how much to log (default: info)').choices([
        'silent',
        'error',
        'warn',
        'info',
        'debug',
      ]),
    )
    .option('--config <file>', 'config file (default: <root>/sidecar.config.json)')
    .action(async (flags, command: Command) => {
      const { serve } = await import('./serve.js');
      onExitCode(await serve(flags, command, io));
    });

  program
    .command('tail')
    .description('print the events of a running sidecar as they happen')
    .argument('[channels...]', 'channels to follow (default: all)')
    .option('--json', 'print one JSON message per line (NDJSON)')
    .addOption(urlOption())
    .addOption(tokenOption())
    .addOption(rootOption())
    .action(async (channels: string[], flags) => {
      const { tail } = await import('./tail.js');
      onExitCode(await tail(channels, flags, io));
    });

  program
    .command('status')
    .description('show whether a sidecar runs for this workspace, and its sources and clients')
    .option('--json', 'print server.info as JSON')
    .addOption(urlOption())
    .addOption(tokenOption())
    .addOption(rootOption())
    .action(async (flags) => {
      const { status } = await import('./status.js');
      onExitCode(await status(flags, io));
    });

  program
    .command('publish')
    .description('publish one event on ai-response or a custom:<name> channel')
    .argument('<channel>', 'ai-response or custom:<name>')
    .argument('<event>', 'event name')
    .argument('[data]', 'JSON data; - reads it from stdin (default: null)')
    .addOption(urlOption())
    .addOption(tokenOption())
    .addOption(rootOption())
    .action(async (channel: string, event: string, data: string | undefined, flags) => {
      const { publish } = await import('./publish.js');
      onExitCode(await publish({ channel, event, data }, flags, io));
    });

  program
    .command('mcp')
    .description(
      'serve MCP on stdio for coding agents; uses the running sidecar or starts one until the agent leaves',
    )
    .addOption(urlOption())
    .addOption(tokenOption())
    .addOption(rootOption())
    .option(
      '--config <file>',
      'config file of a sidecar it starts (default: <root>/sidecar.config.json)',
    )
    .action(async (flags) => {
      const { mcp } = await import('./mcp.js');
      onExitCode(await mcp(flags, io));
    });

  return program;
}

// The client commands (tail, status, publish) find their sidecar the same way.
const urlOption = () =>
  new Option('--url <url>', 'the sidecar to talk to (default: found from the discovery file)');
const tokenOption = () => new Option('--token <token>', 'token for --url (or SIDECAR_TOKEN)');
const rootOption = () =>
  new Option('--root <dir>', 'workspace whose sidecar to find (default: the current folder)');

/** Runs the CLI; resolves with the exit code once the command is done (serve: once started). */
export async function runCli(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  let exitCode = 0;
  const program = createProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version "fail" with exit code 0.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (error instanceof OptionsError) {
      io.stderr(`sidecar: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}
