/**
 * `auto` when ripgrep can run: ripgrep for big workspaces, the built-in engine for small ones.
 * Each rg search pays a fixed start (a process) and the reading of its JSON on the server's
 * thread; on a small tree that is more than the built-in engine's whole scan in its warm worker
 * threads, while past a few thousand files rg's own speed wins (docs/performance.md, "Choosing
 * the engine"). Until the workspace's size is known, ripgrep.
 */

import type { SearchEngine } from './engine.js';

/** Workspaces of at most this many files search with the built-in engine under `auto`. */
export const BUILTIN_UP_TO_FILES = 1000;

export function createSizeAwareEngine(
  ripgrep: SearchEngine,
  makeBuiltin: () => SearchEngine,
  builtinUpTo = BUILTIN_UP_TO_FILES,
): SearchEngine {
  let builtin: SearchEngine | null = null;
  let small = false;
  return {
    name: ripgrep.name,
    start: (request, callbacks) => ripgrep.start(request, callbacks),
    forSearch: () => (small && builtin ? builtin : ripgrep),
    noteWorkspaceFiles(count) {
      small = count <= builtinUpTo;
      // Started as soon as the workspace is known to be small: its worker threads warm up
      // before the next search, and stay for the ones after.
      if (small && !builtin) builtin = makeBuiltin();
      // A big one: the next search runs rg, started from a helper that starts now.
      else if (!small) ripgrep.warmUp?.();
    },
    async close() {
      await Promise.all([ripgrep.close?.(), builtin?.close?.()]);
    },
  };
}
