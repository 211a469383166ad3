import { describe, expect, it, vi } from 'vitest';
import { createSubscriptionRegistry } from '../../src/client/subscriptions.js';
import type { EventMessage, SnapshotMessage } from '../../src/protocol/index.js';

const event = (seq: number, channel = 'custom:a'): EventMessage =>
  ({ type: 'event', channel, event: 'e', data: { seq }, seq, timestamp: 0 }) as EventMessage;
const snapshot = (seq: number, channel = 'git'): SnapshotMessage =>
  ({ type: 'snapshot', channel, data: {}, seq, timestamp: 0 }) as SnapshotMessage;

describe('subscription registry', () => {
  it('reports the first added and the last removed handler of a channel', () => {
    const registry = createSubscriptionRegistry();
    const a = () => {};
    const b = () => {};
    expect(registry.add('files', a)).toBe(true);
    expect(registry.add('files', b)).toBe(false);
    expect(registry.channels()).toEqual(['files']);
    expect(registry.remove('files', a)).toBe(false);
    expect(registry.remove('files', a)).toBe(false);
    expect(registry.remove('files', b)).toBe(true);
    expect(registry.channels()).toEqual([]);
  });

  it('delivers each event once, in seq order, dropping replays at or below the position', () => {
    const registry = createSubscriptionRegistry();
    const seen: number[] = [];
    registry.add('custom:a', (m) => seen.push(m.seq));
    for (const seq of [1, 2, 3, 2, 3, 4, 1, 5]) registry.deliver(event(seq));
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(registry.position('custom:a')).toBe(5);
  });

  it('drops messages of channels without handlers', () => {
    const registry = createSubscriptionRegistry();
    expect(registry.deliver(event(1))).toBe(false);
  });

  it('advances positions forward only, and only for subscribed channels', () => {
    const registry = createSubscriptionRegistry();
    registry.add('custom:a', () => {});
    registry.advance('custom:a', 10);
    registry.advance('custom:a', 4);
    registry.advance('custom:b', 4);
    expect(registry.position('custom:a')).toBe(10);
    expect(registry.position('custom:b')).toBeUndefined();
    expect(registry.deliver(event(10))).toBe(false);
    expect(registry.deliver(event(11))).toBe(true);
  });

  it('accepts a snapshot at or above the position, then events after it', () => {
    const registry = createSubscriptionRegistry();
    const seen: string[] = [];
    registry.add('git', (m) => seen.push(`${m.type}:${m.seq}`));
    registry.deliver(snapshot(7));
    registry.deliver(event(7, 'git'));
    registry.deliver(event(8, 'git'));
    registry.deliver(snapshot(6));
    registry.deliver(snapshot(8));
    expect(seen).toEqual(['snapshot:7', 'event:8', 'snapshot:8']);
  });

  it('forgets the position when the last handler goes', () => {
    const registry = createSubscriptionRegistry();
    const handler = () => {};
    registry.add('custom:a', handler);
    registry.deliver(event(5));
    registry.remove('custom:a', handler);
    registry.add('custom:a', handler);
    expect(registry.position('custom:a')).toBeUndefined();
  });

  it('resetPositions returns the old positions and clears them', () => {
    const registry = createSubscriptionRegistry();
    registry.add('custom:a', () => {});
    registry.deliver(event(3));
    expect([...registry.resetPositions()]).toEqual([['custom:a', 3]]);
    expect(registry.position('custom:a')).toBeUndefined();
  });

  it('keeps delivering to other handlers when one throws, and reports the error', async () => {
    vi.useFakeTimers();
    try {
      const registry = createSubscriptionRegistry();
      const good = vi.fn();
      registry.add('custom:a', () => {
        throw new Error('boom');
      });
      registry.add('custom:a', good);
      registry.deliver(event(1));
      expect(good).toHaveBeenCalledOnce();
      expect(() => vi.runAllTimers()).toThrow('boom');
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not call a handler removed by an earlier handler of the same message', () => {
    const registry = createSubscriptionRegistry();
    const second = vi.fn();
    registry.add('custom:a', () => registry.remove('custom:a', second));
    registry.add('custom:a', second);
    registry.deliver(event(1));
    expect(second).not.toHaveBeenCalled();
  });
});
