/**
 * The `validation` source: runs the workspace's checks (configured, or tsc and eslint found in
 * the workspace) once at start, on matching file changes and on `validation.run`, and streams
 * `started` and `complete` with the problems each run found.
 */

import picomatch from 'picomatch';
import { z } from 'zod';
import { SidecarError } from '../../core/errors.js';
import { defineMethod } from '../../core/methods.js';
import type { Source, SourceContext, SourceEvent } from '../../core/source.js';
import type {
  FileEventData,
  FilesBatchData,
  ValidationCompleteData,
  ValidationProblem,
  ValidationSnapshot,
  ValidationStartedData,
} from '../../protocol/index.js';
import { DETECTED_TYPE_CHECK, detectValidators } from './auto-detect.js';
import { resolveCommand } from './command-resolver.js';
import { createDiagnosticsGate, type DiagnosticsGate } from './diagnostics-gate.js';
import { createWorkspacePaths, matcherFor, type ProblemMatcher } from './matchers/index.js';
import { runProcess } from './process-runner.js';
import { createProjectCheckHandoff, type ProjectCheckHandoff } from './project-check-handoff.js';
import { MAX_PROBLEMS_PER_RUN, reportRun } from './run-report.js';
import { createRunScheduler, type RunScheduler, type ScheduledRun } from './run-scheduler.js';
import {
  type ResolvedValidationOptions,
  type ResolvedValidator,
  resolveValidationOptions,
} from './validator-config.js';

/** What `start()` prepared for one validator that can run. */
interface ReadyValidator {
  config: ResolvedValidator;
  executable: string;
  matcher: ProblemMatcher;
  isTrigger: (file: string) => boolean;
}

/** What one `start()` owns; `stop()` tears it down. */
interface ValidationSession {
  ready: Map<string, ReadyValidator>;
  unavailable: Map<string, string>;
  scheduler: RunScheduler;
  gate: DiagnosticsGate;
  handoff: ProjectCheckHandoff;
  stopListening: () => void;
}

/** The longest a detected `tsc` run waits for the language servers to be idle. */
const MAX_WAIT_FOR_DIAGNOSTICS_MS = 60_000;

const runParams = z
  .object({ tool: z.string().min(1, 'must not be empty').max(64) })
  .partial()
  .strict()
  .nullish();

export function createValidationSource(
  options: ResolvedValidationOptions = resolveValidationOptions(undefined),
): Source<'validation'> {
  let session: ValidationSession | null = null;
  /** Tool → the run in progress. */
  const running = new Map<string, string>();
  /** Tool → its last `complete` that was not cancelled. */
  const results = new Map<string, ValidationCompleteData>();
  let runCount = 0;

  async function start(ctx: SourceContext<'validation'>): Promise<void> {
    // Listening before the first await: the diagnostics source, started just before, says
    // `checking` and names its project check while this one still starts.
    // One type-check at a time: the detected tsc waits while tsserver checks the same code...
    const gate = createDiagnosticsGate(ctx.onEvent, MAX_WAIT_FOR_DIAGNOSTICS_MS);
    // ...and none at all while the TypeScript project check already checks the whole project.
    const handoff = createProjectCheckHandoff(ctx.onEvent);
    await stop();
    results.clear();
    const detected = options.validators === null;
    const configured = options.validators ?? (await detectValidators(ctx.root));
    const paths = createWorkspacePaths(ctx.root);
    const ready = new Map<string, ReadyValidator>();
    const unavailable = new Map<string, string>();
    for (const config of configured) {
      const lookup = await resolveCommand(config.command, ctx.root);
      if (!lookup.found) {
        unavailable.set(config.name, lookup.reason);
        continue;
      }
      const matchesTrigger =
        config.triggers.length > 0 ? picomatch([...config.triggers], { dot: true }) : () => false;
      ready.set(config.name, {
        config,
        executable: lookup.path,
        matcher: matcherFor(config.matcher),
        isTrigger: (file) => matchesTrigger(file),
      });
    }

    const execute = async ({ tool, runId, trigger, signal }: ScheduledRun) => {
      const validator = ready.get(tool)!;
      if (detected && tool === DETECTED_TYPE_CHECK) await gate.whenIdle(signal);
      running.set(tool, runId);
      const started: ValidationStartedData = { runId, tool, trigger };
      ctx.emit('started', started);
      if (detected && tool === DETECTED_TYPE_CHECK && handoff.covers()) {
        const complete = projectCheckResult(runId, tool, handoff.problems());
        running.delete(tool);
        results.set(tool, complete);
        ctx.emit('complete', complete);
        return;
      }
      // runProcess never rejects: a run that cannot start still ends with its `complete`.
      const result = await runProcess({
        command: validator.executable,
        args: validator.config.args,
        cwd: ctx.root,
        timeoutMs: validator.config.timeoutMs,
        maxOutputBytes: validator.config.maxOutputBytes,
        signal,
      });
      const complete = reportRun({
        runId,
        validator: validator.config,
        result,
        matcher: validator.matcher,
        paths,
        onMatcherError: (error) => ctx.log.error(`the ${tool} matcher failed`, error),
      });
      running.delete(tool);
      if (!complete.cancelled) results.set(tool, complete);
      if (complete.error) ctx.log.warn(`${tool}: ${complete.error}`);
      ctx.emit('complete', complete);
    };

    const scheduler = createRunScheduler({
      maxConcurrent: options.maxConcurrent,
      newRunId: (tool) => `${tool}-${++runCount}`,
      execute,
      log: ctx.log,
    });

    const onFilesEvent = (event: SourceEvent) => {
      const changed = changedFiles(event);
      if (changed.length === 0) return;
      for (const [tool, validator] of ready) {
        if (changed.some((file) => validator.isTrigger(file))) {
          scheduler.requestDebounced(tool, 'change', validator.config.debounceMs);
        }
      }
    };

    session = {
      ready,
      unavailable,
      scheduler,
      gate,
      handoff,
      stopListening: ctx.onEvent('files', onFilesEvent),
    };
    reportAvailability(ctx, options.validators === null, ready, unavailable);
    for (const tool of ready.keys()) scheduler.request(tool, 'start');
  }

  async function stop(): Promise<void> {
    const current = session;
    if (!current) return;
    session = null;
    current.stopListening();
    current.gate.dispose();
    current.handoff.dispose();
    // Cancelled runs still end with their `complete`, so no `started` is left without one.
    await current.scheduler.stop();
    running.clear();
  }

  function snapshot(): ValidationSnapshot {
    const validators: ValidationSnapshot['validators'] = [];
    for (const tool of session?.ready.keys() ?? []) {
      const runId = running.get(tool);
      validators.push(runId ? { tool, state: 'running', runId } : { tool, state: 'idle' });
    }
    for (const [tool, message] of session?.unavailable ?? []) {
      validators.push({ tool, state: 'unavailable', message });
    }
    return { validators, results: Object.fromEntries(results) };
  }

  const runMethod = defineMethod({
    name: 'validation.run',
    params: runParams,
    handler: (params) => {
      const current = session;
      if (!current || current.ready.size + current.unavailable.size === 0) {
        throw new SidecarError('UNAVAILABLE', 'no validators are configured or detected');
      }
      const tool = params?.tool;
      const tools = tool === undefined ? [...current.ready.keys()] : [tool];
      if (tool !== undefined && !current.ready.has(tool)) {
        const reason = current.unavailable.get(tool);
        if (reason !== undefined) {
          throw new SidecarError('UNAVAILABLE', `validator "${tool}" is unavailable: ${reason}`);
        }
        throw new SidecarError(
          'INVALID_PARAMS',
          `params: "tool": no validator is named "${tool}"`,
          {
            field: 'tool',
            tools: [...current.ready.keys(), ...current.unavailable.keys()],
          },
        );
      }
      if (tools.length === 0) {
        throw new SidecarError('UNAVAILABLE', 'no validator can run', {
          unavailable: Object.fromEntries(current.unavailable),
        });
      }
      const runs = tools.map((name) => ({
        tool: name,
        runId: current.scheduler.request(name, 'request'),
      }));
      return { runId: runs[0]!.runId, runs };
    },
  });

  return {
    name: 'validation',
    channel: 'validation',
    start,
    stop,
    snapshot,
    methods: [runMethod],
  };
}

/** The files a `files` event is about (a `batch` holds many; `ready` none). */
function changedFiles(event: SourceEvent): string[] {
  if (event.event === 'ready') return [];
  if (event.event === 'batch') return (event.data as FilesBatchData).events.map((e) => e.file);
  return [(event.data as FileEventData).file];
}

/**
 * A validator that cannot run is reported on `system` as a part of its own
 * (`validation:<tool>`), so the source stays `running` for the others; only with none that can
 * run is the source itself unavailable.
 */
function reportAvailability(
  ctx: SourceContext<'validation'>,
  detected: boolean,
  ready: Map<string, ReadyValidator>,
  unavailable: Map<string, string>,
): void {
  for (const [tool, reason] of unavailable) ctx.setPartState(tool, 'unavailable', reason);
  if (ready.size > 0) return;
  if (unavailable.size > 0) {
    ctx.setState('unavailable', `no validator can run: ${[...unavailable.keys()].join(', ')}`);
    return;
  }
  ctx.setState(
    'unavailable',
    detected
      ? 'no validators: none are configured ("validation" in sidecar.config.json), and the workspace has no tsconfig.json or eslint config'
      : 'no validators: the "validation" setting lists none',
  );
}

/** The detected `tsc`'s run when the project check's problems stand in for it (nothing ran). */
function projectCheckResult(
  runId: string,
  tool: string,
  problems: ValidationProblem[],
): ValidationCompleteData {
  const truncated = problems.length > MAX_PROBLEMS_PER_RUN;
  const kept = truncated ? problems.slice(0, MAX_PROBLEMS_PER_RUN) : problems;
  const hasErrors = kept.some((problem) => problem.severity === 'error');
  return {
    runId,
    tool,
    ok: !hasErrors && !truncated,
    // What `tsc` exits with when it reports errors.
    exitCode: hasErrors ? 2 : 0,
    durationMs: 0,
    problems: kept,
    cancelled: false,
    timedOut: false,
    truncated,
  };
}
