/**
 * One type-check, not two: while the diagnostics source's TypeScript project check runs (its
 * part `diagnostics:typescript-project` is `running`), it already holds the whole project's
 * errors, so the auto-detected `tsc` takes its problems from there instead of starting a
 * second compiler that would hold the whole project in memory again. The problems are the
 * project check's latest sets from the `diagnostics` channel, as `tsc` would print them
 * (1-based start positions, `TS` codes, no end: `tsc` prints none).
 */

import type { SourceEvent } from '../../core/source.js';
import type {
  Channel,
  DiagnosticsUpdatedData,
  SourceStateData,
  ValidationProblem,
} from '../../protocol/index.js';

/** The diagnostics source's part that runs the project check, and the server it reports as. */
const PROJECT_CHECK_PART = 'diagnostics:typescript-project';
const PROJECT_CHECK_SERVER = 'typescript';

export interface ProjectCheckHandoff {
  /** The project check runs and has finished its first check. */
  covers(): boolean;
  /** Its current errors and warnings (no hints: `tsc` prints none), by file. */
  problems(): ValidationProblem[];
  dispose(): void;
}

export function createProjectCheckHandoff(
  onEvent: (channel: Channel, listener: (event: SourceEvent) => void) => () => void,
): ProjectCheckHandoff {
  let running = false;
  const sets = new Map<string, ValidationProblem[]>();
  const stopSystem = onEvent('system', (event) => {
    if (event.event !== 'source') return;
    const data = event.data as SourceStateData;
    if (data.name !== PROJECT_CHECK_PART) return;
    running = data.state === 'running';
    if (!running) sets.clear();
  });
  const stopDiagnostics = onEvent('diagnostics', (event) => {
    if (event.event !== 'updated') return;
    const data = event.data as DiagnosticsUpdatedData;
    if (data.server !== PROJECT_CHECK_SERVER) return;
    const problems = data.diagnostics
      .filter((d) => d.severity === 'error' || d.severity === 'warning')
      .map(
        (d): ValidationProblem => ({
          file: data.file,
          line: d.range.start.line + 1,
          column: d.range.start.character + 1,
          severity: d.severity,
          message: d.message,
          ...(d.code === undefined ? {} : { code: `TS${d.code}` }),
        }),
      );
    if (problems.length > 0) sets.set(data.file, problems);
    else sets.delete(data.file);
  });

  return {
    covers: () => running,
    problems: () => [...sets.keys()].sort().flatMap((file) => sets.get(file)!),
    dispose() {
      stopSystem();
      stopDiagnostics();
    },
  };
}
