/** Finds the sidecar serving a folder through the discovery file `sidecar serve` writes. */
import { realpath } from 'node:fs/promises';
import { type DiscoveryRecord, readDiscovery } from '../../../../src/server/discovery.js';

/** A live sidecar for the folder: its record and the URLs derived from it. */
export interface FoundSidecar {
  record: DiscoveryRecord;
  /** `ws://host:port/ws`, what the client connects to. */
  wsUrl: string;
  /** The dashboard with the token, the link `sidecar serve` prints. */
  dashboardUrl: string;
}

/**
 * The sidecar for `root`, or undefined when none runs: no record, or a record whose process is
 * gone (`readDiscovery` checks the pid). `dir` overrides the per-user discovery folder.
 */
export async function findSidecar(root: string, dir?: string): Promise<FoundSidecar | undefined> {
  for (const candidate of await rootSpellings(root)) {
    const record = await readDiscovery(candidate, dir);
    if (record) return { record, wsUrl: wsUrlOf(record.url), dashboardUrl: dashboardUrlOf(record) };
  }
  return undefined;
}

/** Whether two finds name the same server to connect to. */
export function sameTarget(a: FoundSidecar | undefined, b: FoundSidecar | undefined): boolean {
  return !!a && !!b && a.wsUrl === b.wsUrl && a.record.token === b.record.token;
}

/**
 * The folder as the editor names it and with symlinks resolved: the record is keyed by the root
 * the sidecar was started with, which may be either.
 */
async function rootSpellings(root: string): Promise<string[]> {
  const real = await realpath(root).catch(() => root);
  return real === root ? [root] : [root, real];
}

function wsUrlOf(httpUrl: string): string {
  const url = new URL(httpUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = '/ws';
  return url.toString();
}

function dashboardUrlOf(record: DiscoveryRecord): string {
  const base = record.url.replace(/\/$/, '');
  return record.token ? `${base}/?token=${encodeURIComponent(record.token)}` : `${base}/`;
}
