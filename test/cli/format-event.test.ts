import { describe, expect, it } from 'vitest';
import { formatMessage } from '../../src/cli/format-event.js';
import type { ChannelMessage } from '../../src/client/index.js';

const at = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
const event = (channel: string, name: string, data: unknown) =>
  ({ type: 'event', channel, event: name, data, seq: 7, timestamp: at }) as ChannelMessage;

describe('tail line format', () => {
  it('prints time, channel, event and a summary of the data', () => {
    expect(
      formatMessage(event('files', 'change', { file: 'src/a.ts', event: 'change' }), {
        color: false,
      }),
    ).toBe('03:04:05.678 files        change     src/a.ts');
    expect(
      formatMessage(event('files', 'batch', { events: [], count: 5000 }), { color: false }),
    ).toContain('batch      5000 changes');
    expect(
      formatMessage(
        event('system', 'source', { name: 'files', state: 'error', message: 'ENOSPC' }),
        { color: false },
      ),
    ).toContain('files: error — ENOSPC');
  });

  it('sums up git events in a few words', () => {
    const line = (name: string, data: unknown) =>
      formatMessage(event('git', name, data), { color: false }).slice(37);
    expect(line('branch', { from: 'main', to: null })).toBe('main → (detached)');
    expect(line('commit', { sha: 'c0ffee1234', subject: 'Fix it', author: 'Ada' })).toBe(
      'c0ffee1 Fix it — Ada',
    );
    const status = {
      branch: 'main',
      head: { sha: 'c0ffee1234', subject: 'Fix it' },
      ahead: 2,
      behind: 0,
      staged: ['a'],
      modified: ['a', 'b'],
      untracked: [],
      conflicted: [],
      operation: 'merge',
    };
    expect(line('status', status)).toBe('main c0ffee1 ↑2 (merge): 1 staged, 2 modified');
    expect(
      line('status', {
        ...status,
        head: null,
        ahead: 0,
        operation: null,
        staged: [],
        modified: [],
      }),
    ).toBe('main (no commits): clean');
  });

  it('shows snapshots and truncates long data', () => {
    const line = formatMessage(
      {
        type: 'snapshot',
        channel: 'git',
        data: { text: 'x'.repeat(500) },
        seq: 1,
        timestamp: at,
      } as ChannelMessage,
      { color: false },
    );
    expect(line).toContain('snapshot');
    expect(line.length).toBeLessThan(260);
  });

  it('colors the channel only when asked', () => {
    expect(
      formatMessage(event('git', 'branch', { from: 'a', to: 'b' }), { color: true }),
    ).toContain('\x1b[35m');
    expect(
      formatMessage(event('git', 'branch', { from: 'a', to: 'b' }), { color: false }),
    ).not.toContain('\x1b[');
  });
});
