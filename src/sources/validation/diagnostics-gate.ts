/**
 * Holds a run back while the language servers are checking (the `system` `diagnostics` event
 * says `checking`), so the auto-detected `tsc` never type-checks the same code at the same
 * moment as tsserver does. Without a diagnostics source there are no such events: nothing waits.
 */

import type { SourceEvent } from '../../core/source.js';
import type { Channel, DiagnosticsActivityData } from '../../protocol/index.js';

export interface DiagnosticsGate {
  /** Resolves once the language servers are idle, `maxWaitMs` has passed, or `signal` aborts. */
  whenIdle(signal: AbortSignal): Promise<void>;
  dispose(): void;
}

export function createDiagnosticsGate(
  onEvent: (channel: Channel, listener: (event: SourceEvent) => void) => () => void,
  maxWaitMs: number,
): DiagnosticsGate {
  let checking = false;
  const waiters = new Set<() => void>();
  const stopListening = onEvent('system', (event) => {
    if (event.event !== 'diagnostics') return;
    checking = (event.data as DiagnosticsActivityData | undefined)?.state === 'checking';
    if (!checking) for (const release of [...waiters]) release();
  });

  return {
    whenIdle(signal) {
      if (!checking || signal.aborted) return Promise.resolve();
      return new Promise((resolve) => {
        const release = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', release);
          waiters.delete(release);
          resolve();
        };
        // Never starve the check: a server that stays busy does not hold it back for ever.
        const timer = setTimeout(release, maxWaitMs);
        signal.addEventListener('abort', release, { once: true });
        waiters.add(release);
      });
    },
    dispose() {
      stopListening();
      for (const release of [...waiters]) release();
    },
  };
}
