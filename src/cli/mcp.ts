import { resolve } from 'node:path';
import { OptionsError, type Settings } from '../app/options.js';
import { type Sidecar, startSidecar } from '../app/sidecar.js';
import { createLogger } from '../core/logger.js';
import type { SidecarBackend } from '../mcp/backend.js';
import { createClientBackend } from '../mcp/client-backend.js';
import { createInProcessBackend } from '../mcp/in-process-backend.js';
import { serveStdio } from '../mcp/stdio.js';
import { readDiscovery } from '../server/discovery.js';
import { mergeSettings, settingsFromConfigFile, settingsFromEnv } from './settings-sources.js';
import { type TargetFlags, urlsOf } from './target.js';

interface McpFlags extends TargetFlags {
  config?: string;
}

/** What the command uses of the CLI's io (stdout is the MCP channel: nothing else goes there). */
interface McpIo {
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** What `sidecar mcp` serves from: a running sidecar, or one it started and must stop. */
interface Attached {
  backend: SidecarBackend;
  describe: string;
  stop(): Promise<void>;
}

/**
 * `sidecar mcp`: an MCP server on stdio for coding agents. Talks to the sidecar running for the
 * workspace (found through its discovery file, or `--url`), or starts one in this process when
 * none runs and stops it when the agent leaves. Only MCP messages go to stdout.
 */
export async function mcp(flags: McpFlags, io: McpIo): Promise<number> {
  const root = resolve(io.cwd, flags.root ?? '.');
  let attached: Attached;
  try {
    attached = await attach(flags, root, io);
  } catch (error) {
    // Bad flags or settings: the program reports them with its usage exit code.
    if (error instanceof OptionsError) throw error;
    io.stderr(`sidecar: ${(error as Error).message}\n`);
    return 1;
  }
  io.stderr(`sidecar mcp: ${attached.describe}\n`);
  const session = await serveStdio(attached.backend);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await session.close().catch(() => undefined);
    await attached.stop().catch(() => undefined);
    process.exit(0);
  };
  session.ended.then(stop);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return 0;
}

async function attach(flags: McpFlags, root: string, io: McpIo): Promise<Attached> {
  if (flags.url) {
    if (!URL.canParse(flags.url)) {
      throw new OptionsError(`invalid --url "${flags.url}": expected e.g. ws://127.0.0.1:3001/ws`);
    }
    return connectTo(flags.url, flags.token ?? io.env.SIDECAR_TOKEN ?? null, root);
  }
  const running = await readDiscovery(root);
  if (running) return connectTo(running.url, flags.token ?? running.token, running.root);

  const settings: Settings = mergeSettings(
    await settingsFromConfigFile(root, flags.config && resolve(io.cwd, flags.config)),
    settingsFromEnv(io.env),
  );
  // Logs go to stderr, quieter than `serve`: an agent shows them only when something fails.
  const logger = createLogger(settings.logLevel ?? 'warn', (line) => io.stderr(`${line}\n`));
  const sidecar: Sidecar = await startSidecar({
    ...settings,
    root,
    discovery: true,
    logger,
    env: io.env,
  });
  return {
    backend: createInProcessBackend({
      root,
      broadcaster: sidecar.broadcaster,
      methods: sidecar.methods,
      info: () => sidecar.info(),
    }),
    describe: `started a sidecar for ${root} at ${sidecar.url} (it stops when this session ends)`,
    stop: () => sidecar.close('the MCP session ended'),
  };
}

function connectTo(url: string, token: string | null, root: string): Attached {
  const { wsUrl } = urlsOf(url);
  const backend = createClientBackend({ wsUrl, token, root });
  return {
    backend,
    describe: `using the sidecar at ${wsUrl} for ${root}`,
    stop: () => backend.close(),
  };
}
