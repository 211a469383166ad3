/**
 * The live-state folds, fed messages by hand: each channel's snapshot and events become the
 * immutable value a panel shows, shared by every watcher of the channel.
 */
import { describe, expect, it } from 'vitest';
import type {
  Channel,
  DiagnosticSeverity,
  DiagnosticsSnapshot,
  EventMessage,
  SnapshotMessage,
} from '../../src/client/index.js';
import { SidecarClientError } from '../../src/client/index.js';
import { createLiveRegistry } from '../../src/client/live/registry.js';
import type { AnyChannelHandler } from '../../src/client/subscriptions.js';

let seq = 0;
const event = (channel: Channel, name: string, data: unknown): EventMessage =>
  ({
    type: 'event',
    channel,
    event: name,
    data,
    seq: ++seq,
    timestamp: 1000 + seq,
  }) as EventMessage;
const snapshot = (channel: Channel, data: unknown): SnapshotMessage =>
  ({ type: 'snapshot', channel, data, seq, timestamp: 1000 }) as SnapshotMessage;

/** A registry on a fake client: `deliver` plays the server, `requests` sees what it asked. */
function setup(answer?: (method: string, params: unknown) => Promise<unknown>) {
  const handlers = new Map<Channel, Set<AnyChannelHandler>>();
  const requests: { method: string; params: unknown }[] = [];
  const registry = createLiveRegistry({
    addHandler: (channel, handler) => {
      const set = handlers.get(channel) ?? new Set();
      set.add(handler);
      handlers.set(channel, set);
    },
    removeHandler: (channel, handler) => {
      handlers.get(channel)?.delete(handler);
      if (handlers.get(channel)?.size === 0) handlers.delete(channel);
    },
    request: ((method: string, params: unknown) => {
      requests.push({ method, params });
      return answer ? answer(method, params) : Promise.reject(new Error('no server'));
    }) as never,
  });
  const deliver = (message: EventMessage | SnapshotMessage) => {
    for (const handler of handlers.get(message.channel) ?? []) handler(message);
  };
  return { registry, handlers, deliver, requests };
}

const diagnostic = (line: number, message: string, severity: DiagnosticSeverity = 'error') => ({
  range: { start: { line, character: 0 }, end: { line, character: 1 } },
  severity,
  message,
});
const summary = (errors: number) => ({ errors, warnings: 0, infos: 0, hints: 0 });

describe('live diagnostics', () => {
  it('folds the snapshot and updates per file and server; a new snapshot starts over', () => {
    const { registry, deliver } = setup();
    const store = registry.store('diagnostics');
    expect(store.get().ready).toBe(false);
    const changes: unknown[] = [];
    const stop = store.subscribe(() => changes.push(store.get()));

    const first: DiagnosticsSnapshot = {
      files: [
        { file: 'a.ts', uri: 'file:///a.ts', server: 'ts', diagnostics: [diagnostic(4, 'late')] },
        {
          file: 'a.ts',
          uri: 'file:///a.ts',
          server: 'eslint',
          diagnostics: [diagnostic(1, 'early', 'warning')],
        },
      ],
      summary: summary(1),
    };
    deliver(snapshot('diagnostics', first));
    const afterSnapshot = store.get();
    expect(afterSnapshot.ready).toBe(true);
    expect(afterSnapshot.files.get('a.ts')?.map((d) => [d.message, d.server])).toEqual([
      ['early', 'eslint'],
      ['late', 'ts'],
    ]);
    // Unchanged until the next message: the same object.
    expect(store.get()).toBe(afterSnapshot);

    deliver(
      event('diagnostics', 'updated', {
        file: 'b.ts',
        uri: 'file:///b.ts',
        server: 'ts',
        diagnostics: [diagnostic(0, 'b')],
        summary: summary(2),
      }),
    );
    const afterB = store.get();
    expect(afterB).not.toBe(afterSnapshot);
    expect([...afterB.files.keys()]).toEqual(['a.ts', 'b.ts']);
    // A file that did not change keeps its list.
    expect(afterB.files.get('a.ts')).toBe(afterSnapshot.files.get('a.ts'));
    expect(afterB.summary.errors).toBe(2);
    // The earlier value is untouched.
    expect([...afterSnapshot.files.keys()]).toEqual(['a.ts']);

    // An empty list from a server clears that server's part; the last one removes the file.
    deliver(
      event('diagnostics', 'updated', {
        file: 'a.ts',
        uri: '',
        server: 'ts',
        diagnostics: [],
        summary: summary(1),
      }),
    );
    expect(
      store
        .get()
        .files.get('a.ts')
        ?.map((d) => d.message),
    ).toEqual(['early']);
    deliver(
      event('diagnostics', 'updated', {
        file: 'a.ts',
        uri: '',
        server: 'eslint',
        diagnostics: [],
        summary: summary(1),
      }),
    );
    expect([...store.get().files.keys()]).toEqual(['b.ts']);

    // After a gap or a restart, the fresh snapshot is the whole state.
    deliver(snapshot('diagnostics', { files: [], summary: summary(0) }));
    expect(store.get().files.size).toBe(0);
    expect(store.get().summary.errors).toBe(0);
    expect(changes).toHaveLength(5);
    expect(Object.isFrozen(store.get())).toBe(true);
    stop();
  });
});

describe('live git', () => {
  it('keeps the status and recent branch switches and commits, newest first', () => {
    const { registry, deliver } = setup();
    const store = registry.store('git');
    const stop = store.subscribe(() => {});
    deliver(snapshot('git', null));
    expect(store.get()).toMatchObject({ ready: true, status: null, activity: [] });
    const status = { branch: 'main', head: null, detached: false, staged: [], modified: ['a'] };
    deliver(event('git', 'status', status));
    deliver(event('git', 'branch', { from: 'main', to: 'topic' }));
    deliver(event('git', 'commit', { sha: 'abc', subject: 'Fix', author: 'Ada' }));
    const state = store.get();
    expect(state.status).toEqual(status);
    expect(state.activity.map((entry) => entry.event)).toEqual(['commit', 'branch']);
    stop();
  });
});

describe('live validation', () => {
  it('tracks runs per tool; a cancelled run keeps the last verdict', () => {
    const { registry, deliver } = setup();
    const store = registry.store('validation');
    const stop = store.subscribe(() => {});
    const result = (runId: string, extra: object = {}) => ({
      runId,
      tool: 'tsc',
      ok: false,
      exitCode: 2,
      durationMs: 5,
      cancelled: false,
      timedOut: false,
      truncated: false,
      problems: [{ file: 'a.ts', line: 1, column: 1, severity: 'error', message: 'x' }],
      ...extra,
    });
    deliver(
      snapshot('validation', {
        validators: [
          { tool: 'tsc', state: 'idle' },
          { tool: 'lint', state: 'unavailable', message: 'no eslint' },
        ],
        results: { tsc: result('r1') },
      }),
    );
    expect([...store.get().tools.keys()]).toEqual(['lint', 'tsc']);
    expect(store.get().tools.get('lint')?.unavailable).toBe('no eslint');
    deliver(event('validation', 'started', { runId: 'r2', tool: 'tsc', trigger: 'change' }));
    expect(store.get().tools.get('tsc')?.running).toMatchObject({ runId: 'r2', trigger: 'change' });
    deliver(event('validation', 'complete', result('r2', { cancelled: true, problems: [] })));
    const tsc = store.get().tools.get('tsc');
    expect(tsc?.running).toBeNull();
    expect(tsc?.latest?.runId).toBe('r1');
    stop();
  });
});

describe('live files', () => {
  it('lists recent changes newest first, batches included, and counts gaps', () => {
    const { registry, deliver } = setup();
    const store = registry.store('files');
    const stop = store.subscribe(() => {});
    deliver(event('files', 'ready', { files: 3, durationMs: 1 }));
    deliver(event('files', 'change', { file: 'a.ts', event: 'change' }));
    deliver(
      event('files', 'batch', {
        count: 2,
        events: [
          { file: 'b.ts', event: 'add' },
          { file: 'c.ts', event: 'unlink' },
        ],
      }),
    );
    registry.gap({ channel: 'files', reason: 'history', epoch: 'e' });
    const state = store.get();
    expect(state.scanned?.files).toBe(3);
    expect(state.changes.map((change) => change.file)).toEqual(['c.ts', 'b.ts', 'a.ts']);
    expect(state.gaps).toBe(1);
    for (let i = 0; i < 500; i++)
      deliver(event('files', 'change', { file: `f${i}`, event: 'change' }));
    expect(store.get().changes).toHaveLength(200);
    expect(store.get().changes[0]?.file).toBe('f499');
    stop();
  });
});

describe('live ai-response', () => {
  const chunk = (id: string, index: number, text: string) => ({
    id,
    chunk: text,
    index,
    finished: false,
  });

  it('builds each stream’s text and how it ended; skipped chunks are marked', () => {
    const { registry, deliver } = setup();
    const store = registry.store('ai-response');
    const stop = store.subscribe(() => {});
    deliver(event('ai-response', 'chunk', chunk('s', 0, 'Hello')));
    deliver(event('ai-response', 'chunk', chunk('s', 1, ', world')));
    deliver(
      event('ai-response', 'done', { ...chunk('s', 2, '.'), finished: true, stopReason: 'stop' }),
    );
    deliver(event('ai-response', 'chunk', chunk('t', 0, 'a')));
    deliver(event('ai-response', 'chunk', chunk('t', 3, 'd')));
    const { streams } = store.get();
    expect(streams.get('s')).toMatchObject({
      text: 'Hello, world.',
      state: 'done',
      end: { stopReason: 'stop' },
    });
    expect(streams.get('t')).toMatchObject({
      text: 'a […] d',
      state: 'streaming',
      incomplete: true,
    });
    stop();
  });

  it('catches up with ai.get when it joins mid-stream, holding live chunks meanwhile', async () => {
    let answer!: (value: unknown) => void;
    const { registry, deliver, requests } = setup(
      () => new Promise((resolve) => (answer = resolve)),
    );
    const store = registry.store('ai-response');
    let changes = 0;
    const stop = store.subscribe(() => changes++);
    deliver(event('ai-response', 'chunk', chunk('late', 2, 'brown ')));
    deliver(event('ai-response', 'chunk', chunk('late', 3, 'fox')));
    expect(store.get().streams.get('late')?.state).toBe('catching-up');
    expect(requests).toEqual([{ method: 'ai.get', params: { id: 'late' } }]);
    // ai.get knows up to index 2, which the held chunk repeats.
    answer({
      id: 'late',
      text: 'The quick brown ',
      lastIndex: 2,
      finished: false,
      seq: 3,
      truncated: false,
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(store.get().streams.get('late')).toMatchObject({
      text: 'The quick brown fox',
      state: 'streaming',
      incomplete: false,
    });
    expect(changes).toBe(3);
    stop();
  });

  it('says why earlier text is missing when ai.get fails', async () => {
    const { registry, deliver } = setup(() =>
      Promise.reject(new SidecarClientError('UNKNOWN_METHOD', 'unknown method "ai.get"')),
    );
    const store = registry.store('ai-response');
    const stop = store.subscribe(() => {});
    deliver(event('ai-response', 'chunk', chunk('x', 5, 'tail')));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(store.get().streams.get('x')).toMatchObject({
      text: 'tail',
      incomplete: true,
      note: 'joined mid-stream; earlier text unavailable (the server offers no ai.get)',
    });
    stop();
  });
});

describe('sharing and releasing', () => {
  it('shares one handler per channel and drops it only after the last release', async () => {
    const { registry, handlers } = setup();
    const store = registry.store('diagnostics');
    const stopA = store.subscribe(() => {});
    const stopB = store.subscribe(() => {});
    expect(handlers.get('diagnostics')?.size).toBe(1);
    stopA();
    await Promise.resolve();
    expect(handlers.get('diagnostics')?.size).toBe(1);
    // Released and taken again in one go (StrictMode's double mount): the same subscription.
    const handler = [...(handlers.get('diagnostics') ?? [])][0];
    stopB();
    const stopC = store.subscribe(() => {});
    await Promise.resolve();
    expect([...(handlers.get('diagnostics') ?? [])]).toEqual([handler]);
    stopC();
    await Promise.resolve();
    expect(handlers.has('diagnostics')).toBe(false);
  });
});
