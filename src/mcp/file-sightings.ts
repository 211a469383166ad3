/**
 * Whether the sidecar has seen the latest write of a file. An agent writes a file and asks for
 * its diagnostics in the same breath, before the file watcher has reported the write; the
 * language servers would then "settle" on the version before it. So the `files` channel is
 * followed, and a file modified after its last sighting is waited for until the watcher
 * reports it (or a bound passes: a file the watcher ignores is never reported).
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileEventData, FilesBatchData } from '../protocol.js';
import type { SidecarBackend } from './backend.js';

/** How long a write may take to reach the watcher before the wait goes on without it. */
const MAX_SIGHTING_WAIT_MS = 3000;
/**
 * File times come from the kernel's coarse clock, a few milliseconds behind `Date.now()`: a
 * write just after the following began may carry an earlier time than its start.
 */
const COARSE_CLOCK_MS = 50;

export interface FileSightings {
  /**
   * Resolves once every file in `files` was reported by the watcher after its last write, or
   * with the files that were not within the bound.
   */
  caughtUp(files: string[], signal: AbortSignal): Promise<string[]>;
}

export function createFileSightings(backend: SidecarBackend): FileSightings {
  const followingSince = Date.now();
  const seenAt = new Map<string, number>();
  const waiters = new Set<() => void>();
  const sighted = (file: string) => {
    seenAt.set(file, Date.now());
    for (const waiter of waiters) waiter();
  };
  const following = backend
    .follow('files', ({ event, data }) => {
      if (event === 'batch') for (const item of (data as FilesBatchData).events) sighted(item.file);
      else if (event !== 'ready') sighted((data as FileEventData).file);
    })
    .catch(() => undefined);

  const lastSeen = (file: string) => seenAt.get(file) ?? followingSince - COARSE_CLOCK_MS;

  /** Each file's last write time, for those written after the watcher's last report of them. */
  async function unseenWrites(files: string[]): Promise<Map<string, number>> {
    const stale = new Map<string, number>();
    for (const file of files) {
      const modified = await stat(join(backend.root, file)).then(
        (s) => s.mtimeMs,
        () => undefined,
      );
      if (modified !== undefined && modified > lastSeen(file)) stale.set(file, modified);
    }
    return stale;
  }

  return {
    async caughtUp(files, signal) {
      await following;
      const stale = await unseenWrites(files);
      const deadline = Date.now() + MAX_SIGHTING_WAIT_MS;
      const settle = () => {
        for (const [file, modified] of stale) if (lastSeen(file) >= modified) stale.delete(file);
      };
      settle();
      while (stale.size > 0 && Date.now() < deadline && !signal.aborted) {
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            waiters.delete(done);
            signal.removeEventListener('abort', done);
            resolve();
          };
          const timer = setTimeout(done, deadline - Date.now());
          waiters.add(done);
          signal.addEventListener('abort', done, { once: true });
        });
        settle();
      }
      return [...stale.keys()];
    },
  };
}
