import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/** What a running sidecar tells its local clients: where it is and how to get in. */
export interface DiscoveryRecord {
  pid: number;
  port: number;
  host: string;
  /** Where the sidecar's HTTP routes are, with the prefix it is served under, if any. */
  url: string;
  /** Its WebSocket endpoint (absent in records of older versions: derive it from `url`). */
  wsUrl?: string;
  token: string | null;
  root: string;
  version: string;
  startedAt: number;
}

/**
 * The per-user folder for discovery files: `$XDG_RUNTIME_DIR/sidecar`, else the OS cache folder.
 */
export function defaultDiscoveryDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'sidecar');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'sidecar');
  if (process.platform === 'win32') {
    return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'sidecar', 'Cache');
  }
  return join(env.XDG_CACHE_HOME ?? (homedir() ? join(homedir(), '.cache') : tmpdir()), 'sidecar');
}

/** One file per workspace root, named after a hash of the root. */
export function discoveryFile(root: string, dir = defaultDiscoveryDir()): string {
  const hash = createHash('sha256').update(root).digest('hex').slice(0, 16);
  return join(dir, `${hash}.json`);
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live record for `root`, or undefined when there is none or its process is gone. */
export async function readDiscovery(
  root: string,
  dir?: string,
): Promise<DiscoveryRecord | undefined> {
  let text: string;
  try {
    text = await readFile(discoveryFile(root, dir), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const record = JSON.parse(text) as DiscoveryRecord;
    if (typeof record.pid !== 'number' || typeof record.url !== 'string') return undefined;
    return isProcessAlive(record.pid) ? record : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the record readable by the user only (0600), atomically. Returns its path. */
export async function writeDiscovery(
  record: DiscoveryRecord,
  dir = defaultDiscoveryDir(),
): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode applies only to a folder it creates; tighten one that already existed.
  await chmod(dir, 0o700).catch(() => undefined);
  const file = discoveryFile(record.root, dir);
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, file);
  return file;
}

/** Removes the record, but only if it is still ours (another sidecar may have replaced it). */
export async function removeDiscovery(ours: DiscoveryRecord, dir?: string): Promise<void> {
  const file = discoveryFile(ours.root, dir);
  try {
    const record = JSON.parse(await readFile(file, 'utf8')) as DiscoveryRecord;
    if (record.pid !== ours.pid || record.port !== ours.port) return;
  } catch {
    return;
  }
  await rm(file, { force: true });
}
