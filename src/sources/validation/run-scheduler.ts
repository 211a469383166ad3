/**
 * Decides when each validator runs. Runs of different validators are independent, at most
 * `maxConcurrent` at once (the rest wait their turn, in order). A new request for a validator
 * that is running cancels that stale run and queues a fresh one; a request for a validator
 * already waiting joins the waiting run, which will see the newest files anyway.
 */

import type { Logger } from '../../core/logger.js';

export interface ScheduledRun {
  tool: string;
  runId: string;
  trigger: string;
  /** Aborted when a newer request makes this run stale, or the scheduler stops. */
  signal: AbortSignal;
}

export interface RunSchedulerOptions {
  maxConcurrent: number;
  newRunId(tool: string): string;
  /** Runs the validator and reports it; resolves once its process is gone. */
  execute(run: ScheduledRun): Promise<void>;
  log: Logger;
}

export interface RunScheduler {
  /** Runs `tool` as soon as a slot is free and returns the run's id. */
  request(tool: string, trigger: string): string;
  /** Requests a run once `tool` has had no new trigger for `delayMs`. */
  requestDebounced(tool: string, trigger: string, delayMs: number): void;
  /** Drops what waits, cancels what runs, and resolves when every run has ended. */
  stop(): Promise<void>;
}

interface ToolRuns {
  waiting: { runId: string; trigger: string } | null;
  active: { runId: string; controller: AbortController } | null;
  debounce: NodeJS.Timeout | null;
}

export function createRunScheduler(options: RunSchedulerOptions): RunScheduler {
  const tools = new Map<string, ToolRuns>();
  /** Tools with a waiting run, in the order they asked. */
  let queue: string[] = [];
  const running = new Set<Promise<void>>();
  let stopped = false;

  const stateOf = (tool: string): ToolRuns => {
    let state = tools.get(tool);
    if (!state) {
      state = { waiting: null, active: null, debounce: null };
      tools.set(tool, state);
    }
    return state;
  };

  function startNextRuns(): void {
    for (let index = 0; index < queue.length && running.size < options.maxConcurrent; ) {
      const tool = queue[index]!;
      const state = stateOf(tool);
      // Its stale run is still being killed: the fresh one starts when that one has ended.
      if (state.active || !state.waiting) {
        index++;
        continue;
      }
      queue.splice(index, 1);
      start(tool, state, state.waiting);
    }
  }

  function start(tool: string, state: ToolRuns, run: { runId: string; trigger: string }): void {
    state.waiting = null;
    const controller = new AbortController();
    state.active = { runId: run.runId, controller };
    const done: Promise<void> = options
      .execute({ tool, runId: run.runId, trigger: run.trigger, signal: controller.signal })
      .catch((error: unknown) => options.log.error(`validator ${tool} failed to run`, error))
      .finally(() => {
        running.delete(done);
        state.active = null;
        if (!stopped) startNextRuns();
      });
    running.add(done);
  }

  function request(tool: string, trigger: string): string {
    if (stopped) throw new Error('the validation scheduler is stopped');
    const state = stateOf(tool);
    if (state.waiting) return state.waiting.runId;
    const runId = options.newRunId(tool);
    state.waiting = { runId, trigger };
    queue.push(tool);
    state.active?.controller.abort();
    startNextRuns();
    return runId;
  }

  return {
    request,
    requestDebounced(tool, trigger, delayMs) {
      if (stopped) return;
      const state = stateOf(tool);
      if (state.debounce) clearTimeout(state.debounce);
      state.debounce = setTimeout(() => {
        state.debounce = null;
        if (!stopped) request(tool, trigger);
      }, delayMs);
    },
    async stop() {
      stopped = true;
      queue = [];
      for (const state of tools.values()) {
        if (state.debounce) clearTimeout(state.debounce);
        state.debounce = null;
        state.waiting = null;
        state.active?.controller.abort();
      }
      await Promise.all([...running]);
    },
  };
}
