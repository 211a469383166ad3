import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/core/logger.js';
import {
  createRunScheduler,
  type RunScheduler,
  type ScheduledRun,
} from '../../../src/sources/validation/run-scheduler.js';
import { waitFor } from '../../support/server.js';

/** A run the test ends by hand (or that ends when it is cancelled), recorded in order. */
interface Execution extends ScheduledRun {
  finish(): void;
  ended: boolean;
}

let schedulers: RunScheduler[] = [];
afterEach(async () => {
  await Promise.all(schedulers.map((scheduler) => scheduler.stop()));
  schedulers = [];
});

function scheduler(maxConcurrent: number) {
  const executions: Execution[] = [];
  let count = 0;
  const created = createRunScheduler({
    maxConcurrent,
    newRunId: (tool) => `${tool}-${++count}`,
    log: createLogger('silent'),
    execute: (run) =>
      new Promise<void>((resolve) => {
        const execution: Execution = {
          ...run,
          ended: false,
          finish: () => {
            execution.ended = true;
            resolve();
          },
        };
        // Like a killed process: a cancelled run ends on its own.
        run.signal.addEventListener('abort', () => execution.finish(), { once: true });
        executions.push(execution);
      }),
  });
  schedulers.push(created);
  const active = () => executions.filter((execution) => !execution.ended);
  return { scheduler: created, executions, active };
}

describe('the run scheduler', () => {
  it('runs at most maxConcurrent validators at once, the others in the order they asked', async () => {
    const { scheduler: runs, executions, active } = scheduler(2);
    expect(['tsc', 'eslint', 'test'].map((tool) => runs.request(tool, 'start'))).toEqual([
      'tsc-1',
      'eslint-2',
      'test-3',
    ]);
    expect(active().map((run) => run.tool)).toEqual(['tsc', 'eslint']);
    executions[0]!.finish();
    await waitFor(() => active().some((run) => run.tool === 'test'), { message: 'test to start' });
    expect(active().map((run) => run.runId)).toEqual(['eslint-2', 'test-3']);
  });

  it('cancels the stale run of a validator and starts the fresh one once it has ended', async () => {
    const { scheduler: runs, executions, active } = scheduler(4);
    runs.request('tsc', 'start');
    const stale = executions[0]!;
    expect(runs.request('tsc', 'change')).toBe('tsc-2');
    expect(stale.signal.aborted).toBe(true);
    await waitFor(() => executions.length === 2, { message: 'the fresh run' });
    expect(stale.ended).toBe(true);
    expect(active()).toMatchObject([{ runId: 'tsc-2', trigger: 'change', tool: 'tsc' }]);
  });

  it('lets requests for a validator that waits for a slot join that run', async () => {
    const { scheduler: runs, executions } = scheduler(1);
    runs.request('eslint', 'start');
    expect(runs.request('tsc', 'start')).toBe('tsc-2');
    expect(runs.request('tsc', 'request')).toBe('tsc-2');
    executions[0]!.finish();
    await waitFor(() => executions.length === 2, { message: 'tsc to start' });
    expect(executions[1]).toMatchObject({ runId: 'tsc-2', trigger: 'start' });
    expect(executions[0]!.signal.aborted).toBe(false);
  });

  it('runs once after a burst of debounced requests', async () => {
    vi.useFakeTimers();
    try {
      const { scheduler: runs, executions } = scheduler(1);
      for (let i = 0; i < 5; i++) runs.requestDebounced('tsc', 'change', 30);
      await vi.advanceTimersByTimeAsync(29);
      expect(executions).toHaveLength(0);
      // Every debounce has long run out: the burst made one run, and no more.
      await vi.advanceTimersByTimeAsync(1000);
      expect(executions).toHaveLength(1);
      expect(executions[0]).toMatchObject({ tool: 'tsc', trigger: 'change' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('stops: cancels what runs, drops what waits and pending debounces', async () => {
    vi.useFakeTimers();
    try {
      const { scheduler: runs, executions } = scheduler(1);
      runs.request('tsc', 'start');
      runs.request('eslint', 'start');
      runs.requestDebounced('test', 'change', 10);
      await runs.stop();
      expect(executions).toHaveLength(1);
      expect(executions[0]).toMatchObject({ ended: true });
      expect(executions[0]!.signal.aborted).toBe(true);
      // The debounce it dropped would have fired after 10 ms: let every timer run out.
      await vi.runAllTimersAsync();
      expect(executions).toHaveLength(1);
      expect(() => runs.request('tsc', 'request')).toThrow(/stopped/);
    } finally {
      vi.useRealTimers();
    }
  });
});
