/**
 * When to re-read the git status. A `git checkout` or an editor's save fires many change events
 * in a moment; they are worth one `git status`, not one each. So requests are debounced (with a
 * ceiling, so a steady stream of changes still refreshes), and refreshes are single-flight: at
 * most one runs at a time, and any number of requests made while it runs lead to exactly one
 * more refresh after it. However much happens, at most one git status runs and one waits.
 */

export interface RefreshSchedulerOptions {
  /** Reads the status and emits what changed. Errors go to `onError`; they never stop the scheduler. */
  run: () => Promise<void>;
  onError: (error: unknown) => void;
  /** Quiet time after the last request before refreshing. */
  debounceMs: number;
  /** Longest a request waits while requests keep coming. */
  maxWaitMs: number;
}

export interface RefreshScheduler {
  /** Asks for a refresh soon (debounced). */
  request(): void;
  /** Refreshes without waiting for quiet; resolves once a refresh that began after this call has ended. */
  refreshNow(): Promise<void>;
  /** Cancels what is waiting and resolves once a refresh still running has ended. */
  dispose(): Promise<void>;
}

export function createRefreshScheduler(options: RefreshSchedulerOptions): RefreshScheduler {
  const { run, onError, debounceMs, maxWaitMs } = options;
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** When the first request still waiting for a refresh was made. */
  let waitingSince: number | null = null;
  let running: Promise<void> | null = null;
  /** A refresh was asked for while one ran: do one more after it. */
  let rerun = false;
  /** Callers of refreshNow waiting for the next refresh to begin and end. */
  let waitersForNextRun: (() => void)[] = [];
  let disposed = false;

  function cancelTimer(): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  }

  function fire(): void {
    cancelTimer();
    waitingSince = null;
    if (disposed) return;
    if (running) {
      rerun = true;
      return;
    }
    const waiters = waitersForNextRun;
    waitersForNextRun = [];
    running = (async () => {
      try {
        await run();
      } catch (error) {
        onError(error);
      }
    })().finally(() => {
      running = null;
      for (const wake of waiters) wake();
      if (rerun) {
        rerun = false;
        fire();
      }
    });
  }

  return {
    request() {
      if (disposed) return;
      const now = Date.now();
      waitingSince ??= now;
      cancelTimer();
      const delay = Math.max(0, Math.min(debounceMs, waitingSince + maxWaitMs - now));
      timer = setTimeout(fire, delay);
    },
    refreshNow() {
      if (disposed) return Promise.resolve();
      return new Promise<void>((resolve) => {
        waitersForNextRun.push(resolve);
        fire();
      });
    },
    async dispose() {
      disposed = true;
      cancelTimer();
      rerun = false;
      const waiters = waitersForNextRun;
      waitersForNextRun = [];
      for (const wake of waiters) wake();
      await running;
    },
  };
}
