import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FileEventKind } from '../../../src/protocol/index.js';
import {
  createChokidarEngine,
  REREAD_AFTER_EVENTS,
} from '../../../src/sources/files/chokidar-engine.js';
import type { WatchEngine } from '../../../src/sources/files/watch-engine.js';
import { waitFor } from '../../support/server.js';
import { beforeFirstWatchOf, dropEventsOf, restoreFsWatch } from '../../support/watch-gap.js';

let engine: WatchEngine | null = null;
let root: string | null = null;

afterEach(async () => {
  restoreFsWatch();
  await engine?.close();
  engine = null;
  if (root) await rm(root, { recursive: true, force: true });
  root = null;
});

async function startEngine(prepare?: (root: string) => void) {
  root = await mkdtemp(join(tmpdir(), 'sidecar-chokidar-'));
  prepare?.(root);
  const events: [FileEventKind, string][] = [];
  const problems: unknown[] = [];
  const base = root;
  engine = createChokidarEngine({
    root: base,
    followSymlinks: false,
    isIgnored: () => false,
    ignoredIn: () => () => false,
    onEvent: (event, path) => events.push([event, path.slice(base.length + 1)]),
    onError: (problem) => problems.push(problem),
  });
  await engine.start();
  const count = (event: FileEventKind, file: string) =>
    events.filter(([kind, path]) => kind === event && path === file).length;
  return { root: base, events, problems, count };
}

describe('chokidar engine', () => {
  vi.setConfig({ testTimeout: 60_000 });

  it('reports a file written into a new folder after chokidar read it, before its watch', async () => {
    const watched = await startEngine();
    const folder = join(watched.root, 'made', 'inner');
    // The write lands after chokidar's read of the folder, which found it empty.
    beforeFirstWatchOf(folder, () => writeFileSync(join(folder, 'deep.txt'), 'text'));
    mkdirSync(folder, { recursive: true });

    await waitFor(() => watched.count('add', 'made/inner/deep.txt') > 0, {
      timeoutMs: 30_000,
      message: 'the add of made/inner/deep.txt',
    });
    expect(watched.count('addDir', 'made/inner')).toBe(1);

    // A later change in the folder makes chokidar read it again: still one `add` per file.
    writeFileSync(join(folder, 'later.txt'), 'text');
    await waitFor(() => watched.count('add', 'made/inner/later.txt') > 0, {
      timeoutMs: 30_000,
      message: 'the add of made/inner/later.txt',
    });
    expect(watched.count('add', 'made/inner/deep.txt')).toBe(1);
    expect(watched.problems).toEqual([]);
  });

  it('reports a folder made, with files, between the read of its parent folder and its watch', async () => {
    const watched = await startEngine();
    const folder = join(watched.root, 'made');
    beforeFirstWatchOf(folder, () => {
      mkdirSync(join(folder, 'sub'));
      writeFileSync(join(folder, 'sub', 'a.txt'), 'text');
      writeFileSync(join(folder, 'b.txt'), 'text');
    });
    mkdirSync(folder);

    await waitFor(
      () => watched.count('add', 'made/sub/a.txt') > 0 && watched.count('add', 'made/b.txt') > 0,
      { timeoutMs: 30_000, message: 'the adds of made/sub/a.txt and made/b.txt' },
    );
    expect(watched.count('addDir', 'made/sub')).toBe(1);

    writeFileSync(join(folder, 'sub', 'c.txt'), 'text');
    writeFileSync(join(folder, 'd.txt'), 'text');
    await waitFor(
      () => watched.count('add', 'made/sub/c.txt') > 0 && watched.count('add', 'made/d.txt') > 0,
      { timeoutMs: 30_000, message: 'the adds of made/sub/c.txt and made/d.txt' },
    );
    expect(watched.count('add', 'made/sub/a.txt')).toBe(1);
    expect(watched.count('add', 'made/b.txt')).toBe(1);
    expect(watched.count('addDir', 'made/sub')).toBe(1);
  });

  it('after a burst of events, finds the files whose events were lost', async () => {
    const watched = await startEngine((base) => {
      mkdirSync(join(base, 'busy'));
      mkdirSync(join(base, 'lost'));
      // Every event of lost/'s watch goes missing, as past a full inotify queue.
      dropEventsOf(join(base, 'lost'));
    });
    for (const name of ['one.txt', 'two.txt'])
      writeFileSync(join(watched.root, 'lost', name), name);
    const burst = REREAD_AFTER_EVENTS + 100;
    for (let i = 0; i < burst; i++) writeFileSync(join(watched.root, 'busy', `f${i}.txt`), `${i}`);

    await waitFor(
      () => watched.count('add', 'lost/one.txt') > 0 && watched.count('add', 'lost/two.txt') > 0,
      { timeoutMs: 30_000, message: 'the adds of the files whose events were lost' },
    );
    await waitFor(() => watched.events.filter(([kind]) => kind === 'add').length >= burst + 2, {
      timeoutMs: 30_000,
      message: 'the adds of the burst',
    });
    // Read again, not reported again.
    const adds = watched.events.filter(([kind]) => kind === 'add').map(([, path]) => path);
    expect(new Set(adds).size).toBe(adds.length);
    expect(watched.problems).toEqual([]);
  });
});
