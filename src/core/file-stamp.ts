/**
 * A file's stamp: its size and modification time in nanoseconds, what any write moves. The
 * files channel and the diagnostics check compare stamps to tell whether a file was written
 * since they last looked. Milliseconds are not enough: a write empties a file and fills it
 * within the same millisecond, and a look in between must not pass for the final text.
 */

import { type BigIntStats, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';

export function stampOf(stats: BigIntStats): string {
  return `${stats.size}:${stats.mtimeNs}`;
}

/** The stamp of the file at `path`; undefined when it is gone, unreadable or not a file. */
export async function fileStamp(path: string): Promise<string | undefined> {
  try {
    const found = await stat(path, { bigint: true });
    return found.isFile() ? stampOf(found) : undefined;
  } catch {
    return undefined;
  }
}

/** `fileStamp`, synchronously (for a worker that has nothing else to do meanwhile). */
export function fileStampSync(path: string): string | undefined {
  try {
    const found = statSync(path, { bigint: true, throwIfNoEntry: false });
    return found?.isFile() ? stampOf(found) : undefined;
  } catch {
    return undefined;
  }
}
