import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/core/logger.js';
import type { Source, SourceContext } from '../../../src/core/source.js';
import type {
  FileEventData,
  FilesBatchData,
  FilesReadyData,
  SourceState,
} from '../../../src/protocol/index.js';
import { describeWatcherError } from '../../../src/sources/files/files-source.js';
import { createFilesSource, type FilesSourceOptions } from '../../../src/sources/files/index.js';
import { waitFor } from '../../support/server.js';

/** Generous: chokidar on a busy CI machine can be slow; a passing run never waits this long. */
const TEST_TIMEOUT_MS = 90_000;

interface Harness {
  root: string;
  source: Source;
  /** Every `[event, data]` the source emitted, in order. */
  emitted: [string, unknown][];
  states: { state: SourceState; message?: string }[];
  write(relPath: string, content?: string): void;
  /** Every file event so far, `batch` entries flattened in. */
  fileEvents(): FileEventData[];
  /** Emitted until `ready` is seen, then everything after it. */
  eventsAfterReady(): [string, unknown][];
}

let current: Harness | null = null;

afterEach(async () => {
  if (!current) return;
  await current.source.stop();
  await rm(current.root, { recursive: true, force: true });
  current = null;
});

async function startHarness(
  prepare: (write: Harness['write']) => void = () => {},
  options: FilesSourceOptions = {},
): Promise<Harness> {
  const root = await mkdtemp(join(tmpdir(), 'sidecar-files-'));
  const emitted: [string, unknown][] = [];
  const states: Harness['states'] = [];
  const write = (relPath: string, content = '') => {
    const absolute = join(root, relPath);
    mkdirSync(dirname(absolute), { recursive: true });
    writeFileSync(absolute, content);
  };
  const ctx: SourceContext<'files'> = {
    root,
    log: silentLogger,
    emit: (event, data) => emitted.push([event, data]),
    setState: (state, message) => states.push({ state, message }),
    setPartState: () => {},
    onEvent: () => () => {},
    onClientGone: () => () => {},
  };
  const source = createFilesSource(options);
  const harness: Harness = {
    root,
    source,
    emitted,
    states,
    write,
    fileEvents: () =>
      emitted.flatMap(([event, data]) => {
        if (event === 'batch') return (data as FilesBatchData).events;
        if (event === 'ready') return [];
        return [data as FileEventData];
      }),
    eventsAfterReady: () => emitted.slice(emitted.findIndex(([event]) => event === 'ready') + 1),
  };
  current = harness;
  prepare(write);
  await source.start(ctx);
  return harness;
}

const hasEvent = (harness: Harness, file: string, event: FileEventData['event']) =>
  harness.fileEvents().some((entry) => entry.file === file && entry.event === event);

describe('files source', { timeout: TEST_TIMEOUT_MS }, () => {
  it('sums up the initial scan in one ready event, with no add before it', async () => {
    const harness = await startHarness((write) => {
      write('.gitignore', '*.log\n');
      write('a.txt');
      write('debug.log');
      write('src/b.ts');
      write('src/deep/c.ts');
      write('sub/.gitignore', 'secret.txt\n');
      write('sub/secret.txt');
      write('sub/ok.txt');
      write('node_modules/x.js');
      write('.git/HEAD', 'ref: refs/heads/main\n');
    });
    // start() resolved: the scan is done, and it produced nothing but `ready`.
    expect(harness.emitted.map(([event]) => event)).toEqual(['ready']);
    const ready = harness.emitted[0]?.[1] as FilesReadyData;
    // .gitignore, a.txt, src/b.ts, src/deep/c.ts, sub/.gitignore, sub/ok.txt
    expect(ready.files).toBe(6);
    expect(ready.durationMs).toBeGreaterThanOrEqual(0);
    expect(harness.states.map(({ state }) => state)).toEqual(['running']);
    expect(harness.source.name).toBe('files');
    expect(harness.source.channel).toBe('files');
    expect(harness.source.snapshot).toBeUndefined();
  });

  it('reports a file created, changed and deleted, with its relative path', async () => {
    const harness = await startHarness((write) => write('existing/keep.txt'));
    harness.write('existing/new.txt', 'one');
    await waitFor(() => hasEvent(harness, 'existing/new.txt', 'add'));

    appendFileSync(join(harness.root, 'existing/new.txt'), ' two');
    await waitFor(() => hasEvent(harness, 'existing/new.txt', 'change'));

    await unlink(join(harness.root, 'existing/new.txt'));
    await waitFor(() => hasEvent(harness, 'existing/new.txt', 'unlink'));

    expect(harness.eventsAfterReady()).toEqual([
      ['add', { file: 'existing/new.txt', event: 'add' }],
      ['change', { file: 'existing/new.txt', event: 'change' }],
      ['unlink', { file: 'existing/new.txt', event: 'unlink' }],
    ]);
  });

  it('reports folders created and deleted, with what was inside', async () => {
    const harness = await startHarness();
    mkdirSync(join(harness.root, 'made'));
    await waitFor(() => hasEvent(harness, 'made', 'addDir'));

    harness.write('made/inner/deep.txt');
    await waitFor(() => hasEvent(harness, 'made/inner/deep.txt', 'add'));
    expect(hasEvent(harness, 'made/inner', 'addDir')).toBe(true);

    await rm(join(harness.root, 'made'), { recursive: true });
    await waitFor(() => hasEvent(harness, 'made', 'unlinkDir'));
    await waitFor(() => hasEvent(harness, 'made/inner/deep.txt', 'unlink'));
    expect(hasEvent(harness, 'made/inner', 'unlinkDir')).toBe(true);
  });

  it('reports nothing for paths the root or a nested .gitignore ignores', async () => {
    const harness = await startHarness((write) => {
      write('.gitignore', '*.log\nbuild/\n');
      write('sub/.gitignore', 'secret.txt\n');
      write('sub/ok.txt');
    });
    harness.write('debug.log');
    harness.write('build/out.js');
    harness.write('sub/secret.txt');
    harness.write('sub/deeper/debug.log');
    harness.write('sub/marker.txt'); // a non-ignored sibling, written last
    await waitFor(() => hasEvent(harness, 'sub/marker.txt', 'add'));

    const files = harness.fileEvents().map((entry) => entry.file);
    expect(files).not.toContain('debug.log');
    expect(files).not.toContain('sub/secret.txt');
    expect(files).not.toContain('sub/deeper/debug.log');
    expect(files.filter((file) => file.startsWith('build'))).toEqual([]);
    expect(files).toContain('sub/deeper'); // the folder itself is not ignored
  });

  it('reports nothing under node_modules or .git', async () => {
    const harness = await startHarness((write) => write('node_modules/old.js'));
    harness.write('node_modules/x.js');
    harness.write('.git/HEAD', 'ref: refs/heads/main\n');
    harness.write('marker.txt');
    await waitFor(() => hasEvent(harness, 'marker.txt', 'add'));

    const files = harness.fileEvents().map((entry) => entry.file);
    expect(files.filter((file) => /(^|\/)(node_modules|\.git)(\/|$)/.test(file))).toEqual([]);
  });

  it('follows a .gitignore that changes while watching', async () => {
    const harness = await startHarness((write) => write('.gitignore', '*.log\n'));
    harness.write('.gitignore', '*.log\n*.tmp\n');
    await waitFor(() => hasEvent(harness, '.gitignore', 'change'));

    harness.write('scratch.tmp');
    harness.write('after.txt');
    await waitFor(() => hasEvent(harness, 'after.txt', 'add'));
    expect(harness.fileEvents().map((entry) => entry.file)).not.toContain('scratch.tmp');
  });

  it('coalesces 5,000 files written at once into a few batch events', async () => {
    const total = 5000;
    const harness = await startHarness((write) => write('bulk/.keep'));
    const expected = Array.from({ length: total }, (_, index) => `bulk/file-${index}.txt`);
    for (const file of expected) harness.write(file, 'x');

    const expectedSet = new Set(expected);
    const seen = () => harness.fileEvents().filter((entry) => expectedSet.has(entry.file));
    await waitFor(() => new Set(seen().map((entry) => entry.file)).size === total, {
      timeoutMs: 60_000,
    });

    const after = harness.eventsAfterReady();
    expect(after.length).toBeLessThan(20);
    expect(after.some(([event]) => event === 'batch')).toBe(true);
    for (const [event, data] of after) {
      if (event === 'batch') expect((data as FilesBatchData).count).toBeLessThanOrEqual(1000);
    }
    const entries = seen();
    expect(entries.every((entry) => entry.event === 'add')).toBe(true);
    expect(entries).toHaveLength(total); // each path exactly once
    expect(new Set(entries.map((entry) => entry.file))).toEqual(expectedSet);
  });

  it('sends nothing after stop', async () => {
    const harness = await startHarness();
    harness.write('late.txt');
    await harness.source.stop();
    const countAtStop = harness.emitted.length;
    // Give a would-be pending window time to fire; nothing may come of it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(harness.emitted).toHaveLength(countAtStop);
  });

  it('can start again after stop', async () => {
    const harness = await startHarness((write) => write('one.txt'));
    await harness.source.stop();
    harness.write('two.txt');
    await harness.source.start({
      root: harness.root,
      log: silentLogger,
      emit: (event, data) => harness.emitted.push([event, data]),
      setState: (state, message) => harness.states.push({ state, message }),
      setPartState: () => {},
      onEvent: () => () => {},
      onClientGone: () => () => {},
    });
    const readies = harness.emitted.filter(([event]) => event === 'ready');
    expect(readies.map(([, data]) => (data as FilesReadyData).files)).toEqual([1, 2]);
  });
});

describe('describeWatcherError', () => {
  const errorWith = (code: string, path?: string) =>
    Object.assign(new Error(`${code}: something failed`), { code, path });

  it('tells how to raise the inotify watch limit on ENOSPC', () => {
    const message = describeWatcherError(errorWith('ENOSPC'), '/work');
    expect(message).toContain('sysctl fs.inotify.max_user_watches=');
    expect(message).toContain('.gitignore');
  });

  it('tells how to raise the open files limit on EMFILE', () => {
    expect(describeWatcherError(errorWith('EMFILE'), '/srv/project')).toContain('ulimit -n');
  });

  it('names the path it skips on EACCES and EPERM', () => {
    expect(
      describeWatcherError(errorWith('EACCES', '/srv/project/private/dir'), '/srv/project'),
    ).toBe('Permission denied on private/dir: it is skipped.');
    expect(describeWatcherError(errorWith('EPERM', '/srv/project/locked'), '/srv/project')).toBe(
      'Permission denied on locked: it is skipped.',
    );
  });

  it('passes other errors on with their message', () => {
    expect(describeWatcherError(errorWith('EIO'), '/srv/project')).toBe(
      'File watcher error: EIO: something failed',
    );
  });
});
