/**
 * Whether one language server has answered for what it was sent: `checking` while it starts,
 * while its work-done progress runs, or while an open document's latest text has had no
 * diagnostics yet; `idle` once every one has.
 *
 * A document counts as answered when a report for it arrives (pushed, or pulled: a pull that
 * says "unchanged" or fails is an answer too). Some servers never republish a file that stays
 * clean (typescript-language-server publishes only when a file's set changes), so a document
 * also counts as answered once the server has been quiet, with no progress running, for
 * `quietMs` after the text was sent. For the same reason a server that has just started counts
 * as busy until it has been quiet that long: many begin their first progress a moment later.
 * A pulled document is different: every pull gets an answer (or fails), so it is waited for
 * until then, however quiet the server is.
 */

export type SettleState = 'checking' | 'idle';

export interface SettleTracker {
  state(): SettleState;
  /** Starting, restarting or showing progress: nothing it says now is final. */
  busy(): boolean;
  /** The server is initialized and its documents are sent (true), or it (re)starts (false). */
  setReady(ready: boolean): void;
  /** The server is stopped for good: nothing it was sent will be answered. */
  stop(): void;
  /** New text for `uri` went to the server. */
  sent(uri: string): void;
  /** A pull for `uri` was queued: it is waited for until answered, not only until quiet. */
  pulled(uri: string): void;
  /** Pulls stopped (the server dropped them): what was queued is left to the quiet clock. */
  pullsEnded(): void;
  answered(uri: string): void;
  /** The server said something (diagnostics, progress): it is still at work. */
  heard(): void;
  setProgress(active: boolean): void;
  /** The documents still waited for, as URIs. */
  pending(): ReadonlySet<string>;
  /** Whether a wait for `uri` must go on (the server as a whole may still be busy elsewhere). */
  waitingFor(uri: string): boolean;
  dispose(): void;
}

export interface SettleTrackerOptions {
  quietMs: number;
  /** Called on every change of the state or of the pending documents. */
  onChange(): void;
}

export function createSettleTracker(options: SettleTrackerOptions): SettleTracker {
  const pending = new Set<string>();
  /** The pending documents whose pull is still to be answered. */
  const pulls = new Set<string>();
  let ready = false;
  let stopped = false;
  let progress = false;
  /** Started, and not yet quiet for `quietMs` since. */
  let warming = false;
  let quietTimer: NodeJS.Timeout | undefined;

  const busy = () => !stopped && (!ready || warming || progress);
  const state = (): SettleState => (busy() || pending.size > 0 ? 'checking' : 'idle');
  const changed = () => options.onChange();

  /** (Re)starts the quiet clock: when it runs out with no progress, the rest is answered. */
  function restartQuietClock(): void {
    clearTimeout(quietTimer);
    quietTimer = undefined;
    if (stopped || (pending.size === 0 && !warming)) return;
    quietTimer = setTimeout(() => {
      quietTimer = undefined;
      if (progress || !ready) return; // the end of progress or readiness restarts the clock
      for (const uri of [...pending]) if (!pulls.has(uri)) pending.delete(uri);
      warming = false;
      changed();
    }, options.quietMs);
    quietTimer.unref?.();
  }

  return {
    state,
    busy,
    setReady(value) {
      ready = value;
      warming = value;
      if (!value) {
        pending.clear(); // a new process is sent every document again
        pulls.clear();
      }
      restartQuietClock();
      changed();
    },
    stop() {
      stopped = true;
      pending.clear();
      pulls.clear();
      clearTimeout(quietTimer);
      changed();
    },
    sent(uri) {
      if (stopped) return;
      pending.add(uri);
      restartQuietClock();
      changed();
    },
    pulled(uri) {
      if (stopped) return;
      pending.add(uri);
      pulls.add(uri);
      restartQuietClock();
      changed();
    },
    pullsEnded() {
      pulls.clear();
      restartQuietClock();
    },
    answered(uri) {
      pending.delete(uri);
      pulls.delete(uri);
      restartQuietClock();
      changed();
    },
    heard: restartQuietClock,
    setProgress(active) {
      progress = active;
      restartQuietClock();
      changed();
    },
    pending: () => pending,
    waitingFor: (uri) => busy() || pending.has(uri),
    dispose() {
      clearTimeout(quietTimer);
    },
  };
}
