import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SourceEvent } from '../../../src/core/source.js';
import type { Channel } from '../../../src/protocol/index.js';
import { createDiagnosticsGate } from '../../../src/sources/validation/diagnostics-gate.js';

/** An onEvent that lets the test send `system` events. */
function systemEvents() {
  const listeners = new Set<(event: SourceEvent) => void>();
  const onEvent = (channel: Channel, listener: (event: SourceEvent) => void) => {
    if (channel === 'system') listeners.add(listener);
    return () => listeners.delete(listener);
  };
  const send = (event: string, data: unknown) => {
    for (const listener of listeners) listener({ channel: 'system', event, data, seq: 1 });
  };
  return { onEvent, send, listeners };
}

const state = (value: 'checking' | 'idle') => ({ state: value, servers: [] });

describe('the diagnostics gate of the detected tsc', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('holds a run while the language servers are checking, and lets it go once idle', async () => {
    const { onEvent, send } = systemEvents();
    const gate = createDiagnosticsGate(onEvent, 60_000);
    const signal = new AbortController().signal;
    await gate.whenIdle(signal); // no diagnostics source: nothing to wait for
    send('diagnostics', state('checking'));
    let released = false;
    const waiting = gate.whenIdle(signal).then(() => {
      released = true;
    });
    send('source', { name: 'diagnostics:typescript', state: 'running' });
    await Promise.resolve();
    expect(released).toBe(false);
    send('diagnostics', state('idle'));
    await waiting;
    expect(released).toBe(true);
  });

  it('never holds a run longer than its limit, nor once the run is cancelled', async () => {
    vi.useFakeTimers();
    const { onEvent, send, listeners } = systemEvents();
    const gate = createDiagnosticsGate(onEvent, 1000);
    send('diagnostics', state('checking'));
    const timedOut = gate.whenIdle(new AbortController().signal);
    vi.advanceTimersByTime(1000);
    await timedOut;
    const controller = new AbortController();
    const cancelled = gate.whenIdle(controller.signal);
    controller.abort();
    await cancelled;
    gate.dispose();
    expect(listeners.size).toBe(0);
  });
});
