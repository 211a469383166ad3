/**
 * The diagnostics source's settled signal: per server and overall, `checking` or `idle` (see
 * settle-tracker), published on `system` as a `diagnostics` event when it changes, and awaited
 * by `diagnostics.wait` for all files or for some.
 */

import type {
  DiagnosticsActivityData,
  DiagnosticsActivityState,
  DiagnosticsWaitResult,
} from '../../protocol/index.js';
import type { SettleTracker } from './settle-tracker.js';

export interface TrackedServer {
  name: string;
  settle: SettleTracker;
  /** Whether this server checks `file` (root-relative). */
  handles(file: string): boolean;
  uriOf(file: string): string;
  fileOf(uri: string): string | undefined;
}

export interface Activity {
  /** Call when any server's tracker changed. */
  update(): void;
  current(): DiagnosticsActivityData;
  /** Resolves once every server is settled for `files` (for everything when absent). */
  wait(files: readonly string[] | undefined, timeoutMs: number): Promise<DiagnosticsWaitResult>;
  /** Ends every wait as not settled (the source stops). */
  dispose(): void;
}

interface Waiter {
  files: readonly string[] | undefined;
  finish(settled: boolean): void;
}

export function createActivity(
  servers: () => readonly TrackedServer[],
  publish: (data: DiagnosticsActivityData) => void,
): Activity {
  let lastPublished: string | undefined;
  const waiters = new Set<Waiter>();

  function current(): DiagnosticsActivityData {
    const list = servers().map(({ name, settle }) => ({ name, state: settle.state() }));
    const state: DiagnosticsActivityState = list.some((s) => s.state === 'checking')
      ? 'checking'
      : 'idle';
    return { state, servers: list };
  }

  /** The files still waited for: of `files` when given, else every pending document. */
  function pendingFiles(files: readonly string[] | undefined): string[] {
    const pending = new Set<string>();
    for (const server of servers()) {
      if (files === undefined) {
        for (const uri of server.settle.pending()) {
          const file = server.fileOf(uri);
          if (file !== undefined) pending.add(file);
        }
        continue;
      }
      for (const file of files) {
        if (!server.handles(file)) continue;
        if (server.settle.waitingFor(server.uriOf(file))) {
          pending.add(file);
        }
      }
    }
    return [...pending].sort();
  }

  function settledFor(files: readonly string[] | undefined): boolean {
    if (files === undefined) return current().state === 'idle';
    return pendingFiles(files).length === 0;
  }

  function result(files: readonly string[] | undefined, settled: boolean): DiagnosticsWaitResult {
    return { settled, state: current().state, pending: settled ? [] : pendingFiles(files) };
  }

  return {
    update() {
      const data = current();
      const key = JSON.stringify(data);
      if (key !== lastPublished) {
        lastPublished = key;
        publish(data);
      }
      for (const waiter of [...waiters]) {
        if (settledFor(waiter.files)) waiter.finish(true);
      }
    },
    current,
    wait(files, timeoutMs) {
      if (settledFor(files)) return Promise.resolve(result(files, true));
      return new Promise((resolve) => {
        const waiter: Waiter = {
          files,
          finish(settled) {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve(result(files, settled));
          },
        };
        const timer = setTimeout(() => waiter.finish(false), timeoutMs);
        waiters.add(waiter);
      });
    },
    dispose() {
      for (const waiter of [...waiters]) waiter.finish(false);
    },
  };
}
