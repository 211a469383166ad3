/**
 * The settled signal: `system` `diagnostics` events (`checking` → `idle`, per server and
 * overall) and `diagnostics.wait`, with the fake language server.
 */

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type {
  DiagnosticsActivityData,
  DiagnosticsWaitResult,
  EventMessage,
} from '../../../src/protocol/index.js';
import type { DiagnosticsSourceOptions } from '../../../src/sources/diagnostics/diagnostics-source.js';
import { createSettleTracker } from '../../../src/sources/diagnostics/settle-tracker.js';
import {
  type FakeServerMode,
  fakeServerConfig,
  writeFakeServer,
} from '../../sources/diagnostics/fake-server.js';
import {
  type DiagnosticsHarness,
  useDiagnosticsHarness,
} from '../../sources/diagnostics/harness.js';
import { makeTempDir, waitFor } from '../../support/server.js';

const start = useDiagnosticsHarness();

async function workspace(
  files: Record<string, string>,
  mode: FakeServerMode,
  options: Omit<DiagnosticsSourceOptions, 'servers'> = {},
): Promise<DiagnosticsHarness & { root: string }> {
  const root = await makeTempDir('sidecar-settle-');
  const script = await writeFakeServer(root);
  for (const [file, text] of Object.entries(files)) await writeFile(join(root, file), text);
  const harness = await start(root, {
    ...options,
    servers: [fakeServerConfig('fake', script, mode)],
  });
  return Object.assign(harness, { root });
}

/** The `system` `diagnostics` events and `source` events in the order they were sent. */
function systemEvents(h: DiagnosticsHarness) {
  return h.client.messages.filter(
    (m): m is EventMessage => m.type === 'event' && m.channel === 'system',
  );
}

const activities = (h: DiagnosticsHarness) =>
  systemEvents(h)
    .filter((m) => m.event === 'diagnostics')
    .map((m) => m.data as DiagnosticsActivityData);

describe.each(['push', 'pull'] as const)('the settled signal with a %s server', (mode) => {
  it('goes from checking to idle on system once the progress ended and every file answered', async () => {
    const h = await workspace({ 'a.txt': 'ERROR one\n', 'b.txt': 'fine\n' }, mode);
    await waitFor(() => activities(h).at(-1)?.state === 'idle', { message: 'idle' });
    expect(activities(h)[0]).toEqual({
      state: 'checking',
      servers: [{ name: 'fake', state: 'checking' }],
    });
    expect(activities(h).at(-1)).toEqual({
      state: 'idle',
      servers: [{ name: 'fake', state: 'idle' }],
    });
    // The fake server's progress ("Indexing fake files") ended before it was idle…
    const events = systemEvents(h);
    const idleAt = events.findIndex(
      (m) => m.event === 'diagnostics' && (m.data as DiagnosticsActivityData).state === 'idle',
    );
    const progressEnd = events.findLastIndex(
      (m) =>
        m.event === 'source' &&
        (m.data as { name: string; message?: string }).name === 'diagnostics:fake' &&
        (m.data as { message?: string }).message === undefined,
    );
    const progressBegin = events.findIndex(
      (m) =>
        m.event === 'source' && (m.data as { message?: string }).message === 'Indexing fake files',
    );
    expect(progressBegin).toBeGreaterThan(-1);
    expect(progressEnd).toBeGreaterThan(progressBegin);
    expect(idleAt).toBeGreaterThan(progressEnd);
    // …and the problem was reported before.
    const firstUpdate = h.client.messages.findIndex(
      (m) => m.type === 'event' && m.channel === 'diagnostics' && m.event === 'updated',
    );
    expect(firstUpdate).toBeLessThan(h.client.messages.indexOf(events[idleAt]!));
  });

  it('diagnostics.wait resolves for a file just written, with its problems already sent', async () => {
    const h = await workspace({ 'a.txt': 'fine\n' }, mode);
    await h.request('diagnostics.wait', { timeoutMs: 30_000 });
    await writeFile(join(h.root, 'a.txt'), 'ERROR fresh\n');
    // No waiting for the file watcher: wait sends what is on disk first.
    const result = await h.request<DiagnosticsWaitResult>('diagnostics.wait', {
      files: ['a.txt'],
      timeoutMs: 30_000,
    });
    expect(result).toEqual({ settled: true, state: expect.any(String), pending: [] });
    expect(h.latest('a.txt')?.diagnostics.map((d) => d.message)).toEqual(['ERROR fresh']);
  });
});

describe('diagnostics.wait', () => {
  it('ends for a file once it is answered, while another file of the same server is still pending', async () => {
    // The gated server pushes a.txt's answer at once and holds b.txt's until released, so the
    // order is fixed whatever the machine's speed. The quiet period is short: a pull still
    // unanswered must be waited for however quiet the server is.
    const h = await workspace({ 'a.txt': 'fine\n', 'b.txt': 'fine\n' }, 'gated', {
      settleQuietMs: 100,
    });
    await h.request('diagnostics.wait', { timeoutMs: 30_000 });
    await writeFile(join(h.root, 'b.txt'), 'HOLD ERROR b\n');
    let bAnswered = false;
    const waitForB = h.call('diagnostics.wait', { files: ['b.txt'], timeoutMs: 60_000 });
    void waitForB.then(() => {
      bAnswered = true;
    });
    await writeFile(join(h.root, 'a.txt'), 'ERROR a\n');

    const forA = await h.request<DiagnosticsWaitResult>('diagnostics.wait', {
      files: ['a.txt'],
      timeoutMs: 30_000,
    });
    expect(forA).toEqual({ settled: true, state: 'checking', pending: [] });
    expect(h.latest('a.txt')?.diagnostics.map((d) => d.message)).toEqual(['ERROR a']);
    // b.txt is still waited for: a wait with a deadline ends unsettled, naming it.
    expect(
      await h.request<DiagnosticsWaitResult>('diagnostics.wait', {
        files: ['b.txt'],
        timeoutMs: 500,
      }),
    ).toEqual({ settled: false, state: 'checking', pending: ['b.txt'] });
    expect(bAnswered).toBe(false);

    await writeFile(join(h.root, 'c.txt'), 'RELEASE\n');
    const forB = await waitForB;
    expect(forB.result).toEqual({ settled: true, state: expect.any(String), pending: [] });
    expect(h.latest('b.txt')?.diagnostics.map((d) => d.message)).toEqual(['HOLD ERROR b']);
  });

  it('says what is still pending when the time runs out', async () => {
    const h = await workspace({ 'a.txt': 'fine\n' }, 'hang');
    const result = await h.request<DiagnosticsWaitResult>('diagnostics.wait', {
      files: ['a.txt', 'other.md'],
      timeoutMs: 50,
    });
    expect(result).toEqual({ settled: false, state: 'checking', pending: ['a.txt'] });
  });

  it('refuses bad params with INVALID_PARAMS', async () => {
    const h = await workspace({ 'a.txt': 'fine\n' }, 'push');
    for (const params of [
      { files: ['../x.txt'] },
      { timeoutMs: -1 },
      { files: 'a.txt' },
      { nope: 1 },
    ]) {
      const response = await h.call('diagnostics.wait', params);
      expect(response.error?.code, JSON.stringify(params)).toBe('INVALID_PARAMS');
    }
  });
});

describe('the settle tracker', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts a document as answered once the server is quiet, but not while progress runs', () => {
    vi.useFakeTimers();
    const tracker = createSettleTracker({ quietMs: 1000, onChange() {} });
    tracker.setReady(true);
    expect(tracker.state()).toBe('checking'); // just started: it may begin progress soon
    vi.advanceTimersByTime(1000);
    expect(tracker.state()).toBe('idle');
    tracker.sent('file:///a');
    tracker.setProgress(true);
    vi.advanceTimersByTime(5000);
    expect(tracker.state()).toBe('checking');
    tracker.setProgress(false);
    vi.advanceTimersByTime(900);
    tracker.heard(); // the server still talks: the clock starts again
    vi.advanceTimersByTime(900);
    expect([...tracker.pending()]).toEqual(['file:///a']);
    vi.advanceTimersByTime(100);
    expect(tracker.state()).toBe('idle');
  });

  it('is checking while (re)starting, and idle for good once stopped', () => {
    vi.useFakeTimers();
    const tracker = createSettleTracker({ quietMs: 1000, onChange() {} });
    expect(tracker.state()).toBe('checking');
    tracker.setReady(true);
    vi.advanceTimersByTime(1000);
    tracker.sent('file:///a');
    tracker.answered('file:///a');
    expect(tracker.state()).toBe('idle');
    tracker.setReady(false);
    expect(tracker.state()).toBe('checking');
    tracker.stop();
    tracker.sent('file:///b');
    expect(tracker.state()).toBe('idle');
    tracker.dispose();
  });
});
