import { connect, isSidecarClientError, type ServerInfo } from '../client/index.js';
import type { CliIo } from './io.js';
import { findTarget, type TargetFlags } from './target.js';

/** `sidecar status`: asks the workspace's sidecar for `server.info` and prints it. */
export async function status(flags: TargetFlags & { json?: boolean }, io: CliIo): Promise<number> {
  const target = await findTarget(flags, io);
  if (!target) return 1;
  const client = connect({ url: target.wsUrl, token: target.token ?? undefined, reconnect: false });
  try {
    const info = await client.request('server.info', undefined, { timeoutMs: 5000 });
    io.stdout(flags.json ? `${JSON.stringify(info, null, 2)}\n` : describe(info, target.httpUrl));
    return 0;
  } catch (error) {
    const reason = isSidecarClientError(error) ? `${error.code}: ${error.message}` : String(error);
    io.stderr(`sidecar: cannot reach the sidecar at ${target.wsUrl} (${reason})\n`);
    return 1;
  } finally {
    await client.close();
  }
}

function describe(info: ServerInfo, url: string): string {
  const sources = info.sources.map(
    ({ name, state, message }) =>
      `    ${name.padEnd(12)} ${state}${message ? ` — ${message}` : ''}`,
  );
  return [
    `sidecar v${info.version} at ${url}`,
    `  root:     ${info.root}`,
    `  clients:  ${info.clients}`,
    `  methods:  ${info.methods.join(', ')}`,
    '  sources:',
    ...(sources.length > 0 ? sources : ['    (none)']),
    '',
  ].join('\n');
}
