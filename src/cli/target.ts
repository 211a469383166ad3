import { resolve } from 'node:path';
import { OptionsError } from '../app/options.js';
import { readDiscovery } from '../server/discovery.js';
import type { CliIo } from './io.js';

/** How the client commands (tail, status, publish) name the sidecar they talk to. */
export interface TargetFlags {
  url?: string;
  token?: string;
  root?: string;
}

export interface Target {
  /** `http://host:port`, with the prefix of an embedded sidecar (`…/__sidecar`). */
  httpUrl: string;
  /** `ws://host:port/ws`, or `…/__sidecar/ws`. */
  wsUrl: string;
  token: string | null;
  pid?: number;
}

/**
 * The sidecar to talk to: `--url` (with `--token` or `SIDECAR_TOKEN`), else the one the
 * discovery file names for the workspace. Says what to do and returns undefined when there is
 * none; a malformed `--url` is an OptionsError.
 */
export async function findTarget(flags: TargetFlags, io: CliIo): Promise<Target | undefined> {
  if (flags.url) {
    if (!URL.canParse(flags.url)) {
      throw new OptionsError(`invalid --url "${flags.url}": expected e.g. ws://127.0.0.1:3001/ws`);
    }
    return { ...urlsOf(flags.url), token: flags.token ?? io.env.SIDECAR_TOKEN ?? null };
  }
  const root = resolve(io.cwd, flags.root ?? '.');
  const record = await readDiscovery(root);
  if (!record) {
    io.stderr(
      `sidecar: no sidecar is running for ${root}.\n` +
        '  Start one with `npx sidecar serve`, or pass --url and --token.\n',
    );
    return undefined;
  }
  const urls = urlsOf(record.url);
  return {
    ...urls,
    wsUrl: record.wsUrl ?? urls.wsUrl,
    token: flags.token ?? record.token,
    pid: record.pid,
  };
}

/**
 * Accepts the dashboard's http URL as well as the WebSocket one, and keeps the prefix of a
 * sidecar embedded in an app: `http://127.0.0.1:5173/__sidecar/` → `ws://…/__sidecar/ws`.
 */
export function urlsOf(url: string): { httpUrl: string; wsUrl: string } {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'https:' || parsed.protocol === 'wss:';
  const prefix = parsed.pathname.replace(/\/(ws)?$/, '');
  const base = `${parsed.host}${prefix}`;
  return {
    httpUrl: `${secure ? 'https' : 'http'}://${base}`,
    wsUrl: `${secure ? 'wss' : 'ws'}://${base}/ws`,
  };
}
