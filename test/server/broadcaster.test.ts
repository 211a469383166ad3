import { describe, expect, it } from 'vitest';
import { SidecarError } from '../../src/core/errors.js';
import { asJsonText } from '../../src/core/json-text.js';
import type { SearchResultsData } from '../../src/protocol/index.js';
import { createBroadcaster } from '../../src/server/broadcaster.js';

describe('EventBroadcaster', () => {
  it('numbers each channel on its own, from 1, by exactly 1', () => {
    const broadcaster = createBroadcaster({ history: 10 });
    expect(broadcaster.fileChanged('a.ts', 'add')).toBe(1);
    expect(broadcaster.fileChanged('a.ts', 'change')).toBe(2);
    expect(broadcaster.gitEvent('branch', { from: 'a', to: 'b' })).toBe(1);
    expect(broadcaster.aiChunk('s', 'hi', 0, false)).toBe(1);
    expect(broadcaster.latestSeq('files')).toBe(2);
  });

  it("puts each named helper's event on its channel, as a source's emit would", () => {
    const broadcaster = createBroadcaster({ history: 10 });
    const seen: [string, string, unknown][] = [];
    for (const channel of ['files', 'diagnostics', 'search', 'validation', 'git'] as const) {
      broadcaster.onEvent(channel, (e) => seen.push([e.channel, e.event, e.data]));
    }
    const summary = { errors: 0, warnings: 0, infos: 0, hints: 0 };
    const updated = { file: 'a.ts', uri: 'file:///a.ts', server: 'ts', diagnostics: [], summary };
    const progress = { searchId: 's', query: 'q', count: 1 };
    const complete = {
      runId: 'r',
      tool: 'tsc',
      ok: true,
      exitCode: 0,
      durationMs: 1,
      problems: [],
      cancelled: false,
      timedOut: false,
      truncated: false,
    };
    broadcaster.fileChanged('a.ts', 'unlink');
    broadcaster.diagnosticsUpdated(updated);
    broadcaster.searchProgress('progress', progress);
    broadcaster.validationComplete(complete);
    broadcaster.gitEvent('commit', { sha: '1', subject: 's', author: 'a' });
    expect(seen).toEqual([
      ['files', 'unlink', { file: 'a.ts', event: 'unlink' }],
      ['diagnostics', 'updated', updated],
      ['search', 'progress', progress],
      ['validation', 'complete', complete],
      ['git', 'commit', { sha: '1', subject: 's', author: 'a' }],
    ]);
  });

  it('hands every broadcast listener the same serialized frame', () => {
    const broadcaster = createBroadcaster({ history: 10, now: () => 42 });
    const frames: Buffer[] = [];
    broadcaster.onBroadcast((_channel, frame) => frames.push(frame));
    broadcaster.onBroadcast((_channel, frame) => frames.push(frame));
    broadcaster.aiChunk('s1', 'done!', 3, true);
    expect(frames[0]).toBe(frames[1]);
    expect(JSON.parse(frames[0]!.toString())).toEqual({
      type: 'event',
      channel: 'ai-response',
      event: 'done',
      data: { id: 's1', chunk: 'done!', index: 3, finished: true },
      seq: 1,
      timestamp: 42,
    });
  });

  it('sends the bytes JSON.stringify makes of the whole message', () => {
    const broadcaster = createBroadcaster({ history: 10, now: () => 7 });
    const frames: Buffer[] = [];
    broadcaster.onBroadcast((_channel, frame) => frames.push(frame));
    const data = { text: 'a "quoted" \u2028 line\n', list: [1, null, { deep: true }] };
    broadcaster.emit('custom:x', 'e "1"', data);
    broadcaster.emit('custom:x', 'none', undefined);
    expect(frames.map(String)).toEqual([
      JSON.stringify({
        type: 'event',
        channel: 'custom:x',
        event: 'e "1"',
        data,
        seq: 1,
        timestamp: 7,
      }),
      JSON.stringify({ type: 'event', channel: 'custom:x', event: 'none', seq: 2, timestamp: 7 }),
    ]);
  });

  it('sends data its source serialized as it is, numbered with the rest; listeners get it parsed', () => {
    const broadcaster = createBroadcaster({ history: 10, now: () => 7 });
    const frames: string[] = [];
    const seen: unknown[] = [];
    broadcaster.onBroadcast((_channel, frame) => frames.push(String(frame)));
    const progress = { searchId: 's', query: 'q', count: 0 };
    const results = { searchId: 's', query: 'q', results: [] };
    broadcaster.emit('search', 'progress', progress);
    const json = asJsonText<SearchResultsData>('{"searchId":"s","query":"q","results":[]}');
    expect(broadcaster.emitJson('search', 'results', json)).toBe(2);
    expect(frames[1]).toBe(
      JSON.stringify({
        type: 'event',
        channel: 'search',
        event: 'results',
        data: results,
        seq: 2,
        timestamp: 7,
      }),
    );
    broadcaster.onEvent('search', (event) => seen.push(event));
    broadcaster.emitJson('search', 'results', json);
    expect(seen).toEqual([{ channel: 'search', event: 'results', data: results, seq: 3 }]);
    expect(
      broadcaster.planResume('search', { epoch: broadcaster.epoch, seq: 1 }).replay,
    ).toHaveLength(2);
  });

  it('refuses data it cannot serialize before numbering it: seqs stay contiguous', () => {
    const broadcaster = createBroadcaster({ history: 10, maxCustomChannels: 1 });
    const frames: string[] = [];
    broadcaster.onBroadcast((_channel, frame) => frames.push(String(frame)));
    let deep: unknown = 'bottom';
    for (let i = 0; i < 20_000; i++) deep = [deep];
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(broadcaster.emit('custom:x', 'ok', 1)).toBe(1);
    for (const bad of [deep, circular, 10n]) {
      expect(() => broadcaster.emit('custom:x', 'bad', bad as never)).toThrow(
        expect.objectContaining({ code: 'INVALID_PARAMS' }),
      );
    }
    // A refused event does not create its channel either.
    expect(() => broadcaster.emit('custom:y', 'bad', 10n as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMS' }),
    );
    expect(broadcaster.emit('custom:x', 'ok', 2)).toBe(2);
    expect(frames.map((frame) => JSON.parse(frame).seq)).toEqual([1, 2]);
    expect(broadcaster.planResume('custom:x', { epoch: broadcaster.epoch, seq: 1 })).toMatchObject({
      gap: false,
      latestSeq: 2,
      replay: [{ seq: 2 }],
    });
  });

  it('gives in-process listeners the data and survives one that throws', () => {
    const broadcaster = createBroadcaster({ history: 10 });
    const seen: unknown[] = [];
    broadcaster.onEvent('files', () => {
      throw new Error('faulty listener');
    });
    const stop = broadcaster.onEvent('files', (event) => seen.push(event));
    broadcaster.fileChanged('x', 'add');
    stop();
    broadcaster.fileChanged('y', 'add');
    expect(seen).toEqual([
      { channel: 'files', event: 'add', data: { file: 'x', event: 'add' }, seq: 1 },
    ]);
  });

  it('changes epoch on every instance', () => {
    expect(createBroadcaster({ history: 1 }).epoch).not.toBe(
      createBroadcaster({ history: 1 }).epoch,
    );
  });

  it('bounds the number of custom channels', () => {
    const broadcaster = createBroadcaster({ history: 1, maxCustomChannels: 2 });
    broadcaster.emit('custom:a', 'x', null);
    broadcaster.emit('custom:b', 'x', null);
    expect(() => broadcaster.emit('custom:c', 'x', null)).toThrow(SidecarError);
    broadcaster.emit('custom:a', 'x', null);
  });

  it('does not count channels that are only looked up (subscribed) against the quota', () => {
    const broadcaster = createBroadcaster({ history: 1, maxCustomChannels: 1 });
    for (let i = 0; i < 10; i++) broadcaster.planResume(`custom:probe${i}`, undefined);
    expect(broadcaster.emit('custom:real', 'x', null)).toBe(1);
  });

  it('plans a replay in parts: a limited plan is no gap, and the next one goes on from its end', () => {
    const broadcaster = createBroadcaster({ history: 10 });
    for (let i = 0; i < 5; i++)
      broadcaster.gitEvent('commit', { sha: `${i}`, subject: 's', author: 'a' });
    const since = (seq: number) => ({ epoch: broadcaster.epoch, seq });
    const first = broadcaster.planResume('git', since(0), 3);
    expect(first).toMatchObject({ gap: false, latestSeq: 5 });
    expect(first.snapshot).toBeUndefined();
    expect(first.replay.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(broadcaster.planResume('git', since(3), 3).replay.map((e) => e.seq)).toEqual([4, 5]);
  });

  it('plans a snapshot for state channels only', () => {
    const broadcaster = createBroadcaster({ history: 10 });
    broadcaster.setSnapshotProvider('git', () => ({ branch: 'main' }));
    const plan = broadcaster.planResume('git', undefined);
    expect(JSON.parse(plan.snapshot!.toString())).toMatchObject({
      type: 'snapshot',
      channel: 'git',
      data: { branch: 'main' },
      seq: 0,
    });
    expect(broadcaster.planResume('files', undefined).snapshot).toBeUndefined();
  });
});
