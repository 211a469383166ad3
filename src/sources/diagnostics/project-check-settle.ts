/**
 * The project-wide TypeScript check as the diagnostics source holds it, and the settled signal
 * of that check with tsserver beside it.
 */

import type { SettleTracker } from './settle-tracker.js';
import type { TypeScriptBuilder } from './typescript-builder.js';
import type { WorkspacePaths } from './workspace-paths.js';

/** The project-wide check and its latest set per file (URI). */
export interface ProjectCheck {
  builder: TypeScriptBuilder;
  sets: Map<string, unknown[]>;
  /**
   * Edited files no project holds (root-relative): only these go to tsserver, which is
   * started for the first of them.
   */
  outside: Set<string>;
  /** Files changed on disk whose next set from the check is news even if only hints differ. */
  edited: Set<string>;
  /** tsserver has been started. */
  serverStarted: boolean;
}

/**
 * The settled signal of the project check and of tsserver beside it: tsserver, once started,
 * counts only for the files no project holds.
 */
export function withOutside(
  project: ProjectCheck,
  server: SettleTracker,
  paths: WorkspacePaths,
): SettleTracker {
  const check = project.builder.settle;
  const serverCounts = () => project.serverStarted && project.outside.size > 0;
  const outsideUri = (uri: string) => {
    const file = paths.fileOf(uri);
    return file !== undefined && project.outside.has(file);
  };
  return {
    ...check,
    state: () =>
      check.state() === 'checking' || (serverCounts() && server.state() === 'checking')
        ? 'checking'
        : 'idle',
    busy: () => check.busy() || (serverCounts() && server.busy()),
    pending: () =>
      serverCounts() && server.pending().size > 0
        ? new Set([...check.pending(), ...server.pending()])
        : check.pending(),
    waitingFor: (uri) => check.waitingFor(uri) || (outsideUri(uri) && server.waitingFor(uri)),
  };
}
