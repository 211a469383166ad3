import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProgressTracker } from '../../../src/sources/diagnostics/progress.js';

describe('the progress tracker', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sums up the newest task in one line and says when all are done', () => {
    const lines: (string | undefined)[] = [];
    const progress = createProgressTracker((line) => lines.push(line), 0);
    progress.update('a', { kind: 'begin', title: 'Indexing', percentage: 0 });
    progress.update('a', { kind: 'report', message: 'src', percentage: 40.4 });
    progress.update('b', { kind: 'begin', title: 'Loading' });
    progress.update('b', { kind: 'end' });
    progress.update('a', { kind: 'end', message: 'done' });
    expect(lines).toEqual([
      'Indexing (0%)',
      'Indexing: src (40%)',
      'Loading',
      'Indexing: src (40%)',
      undefined,
    ]);
  });

  it('ignores malformed values and unknown tokens', () => {
    const lines: (string | undefined)[] = [];
    const progress = createProgressTracker((line) => lines.push(line), 0);
    progress.update('x', null);
    progress.update('x', 'begin');
    progress.update('x', { kind: 'report', message: 'no begin' });
    progress.update('x', { kind: 'end' });
    expect(lines).toEqual([]);
    progress.update('y', { kind: 'begin', title: 7, message: ['no'] });
    expect(progress.current()).toBe('working');
  });

  it('passes reports on at most once per interval, the latest one last', () => {
    vi.useFakeTimers();
    const lines: (string | undefined)[] = [];
    const progress = createProgressTracker((line) => lines.push(line), 250);
    progress.update('a', { kind: 'begin', title: 'Checking' });
    for (let i = 1; i <= 50; i++) progress.update('a', { kind: 'report', percentage: i });
    expect(lines).toEqual(['Checking']);
    vi.advanceTimersByTime(250);
    expect(lines).toEqual(['Checking', 'Checking (50%)']);
    progress.dispose();
  });
});
