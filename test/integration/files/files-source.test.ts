import { appendFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../src/core/logger.js';
import type { Source, SourceContext } from '../../../src/core/source.js';
import type {
  FileEventData,
  FilesBatchData,
  FilesReadyData,
  SourceState,
} from '../../../src/protocol/index.js';
import { createChokidarEngine } from '../../../src/sources/files/chokidar-engine.js';
import { describeWatcherError } from '../../../src/sources/files/files-source.js';
import { createFilesSource, type FilesSourceOptions } from '../../../src/sources/files/index.js';
import {
  toWatchProblem,
  type WatchEngineOptions,
} from '../../../src/sources/files/watch-engine.js';
import { waitFor } from '../../support/server.js';
import { beforeFirstWatchOf, restoreFsWatch } from '../../support/watch-gap.js';

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

async function startWith(
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
    emitJson: (event, json) => emitted.push([event, JSON.parse(json)]),
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

/** A fresh context that records into the harness, for a second `start()`. */
const contextFor = (harness: Harness): SourceContext => ({
  root: harness.root,
  log: silentLogger,
  emit: (event, data) => harness.emitted.push([event, data]),
  emitJson: (event, json) => harness.emitted.push([event, JSON.parse(json)]),
  setState: (state, message) => harness.states.push({ state, message }),
  setPartState: () => {},
  onEvent: () => () => {},
  onClientGone: () => () => {},
});

const hasEvent = (harness: Harness, file: string, event: FileEventData['event']) =>
  harness.fileEvents().some((entry) => entry.file === file && entry.event === event);

// The same behaviour from both engines: `auto` only chooses between them.
describe.each(['chokidar', 'native'] as const)('files source, %s engine', (engine) => {
  vi.setConfig({ testTimeout: TEST_TIMEOUT_MS });
  const startHarness = (
    prepare?: Parameters<typeof startWith>[0],
    options: FilesSourceOptions = {},
  ) => startWith(prepare, { engine, ...options });

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

    const after = harness.eventsAfterReady();
    expect(new Set(after.map(([, data]) => (data as FileEventData).file))).toEqual(
      new Set(['existing/new.txt']),
    );
    // A write still under way when its event went out is followed by one more `change`.
    const kinds = after.map(([event]) => event).filter((event, i, all) => event !== all[i - 1]);
    expect(kinds).toEqual(['add', 'change', 'unlink']);
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
    // Engines deliver in their own order: the folder's event may come after the marker's.
    await waitFor(
      () => hasEvent(harness, 'sub/marker.txt', 'add') && hasEvent(harness, 'sub/deeper', 'addDir'),
    );

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
    // How the engine spreads the events over time depends on the machine's load, so the bound
    // is loose here (the coalescer's own tests pin the counts down): far fewer messages than
    // files, in batches of at most 1,000.
    expect(after.length).toBeLessThan(total / 50);
    expect(after.some(([event]) => event === 'batch')).toBe(true);
    for (const [event, data] of after) {
      if (event === 'batch') expect((data as FilesBatchData).count).toBeLessThanOrEqual(1000);
    }
    const entries = seen();
    // Each file arrives as one `add`; a write the watcher sees after the add's window has
    // closed is a later `change` of the same path, which is right, so only those may repeat.
    const adds = entries.filter((entry) => entry.event === 'add');
    expect(adds).toHaveLength(total);
    expect(new Set(adds.map((entry) => entry.file))).toEqual(expectedSet);
    expect(entries.filter((entry) => entry.event !== 'add' && entry.event !== 'change')).toEqual(
      [],
    );
  });

  it('reports a symbolic link itself, not what it points to: one write is one event', async () => {
    const harness = await startHarness((write) => write('real/a.txt', 'one'));
    symlinkSync(join(harness.root, 'real'), join(harness.root, 'absolute-link'));
    symlinkSync('real', join(harness.root, 'relative-link'));
    await waitFor(() => hasEvent(harness, 'relative-link', 'add'));
    expect(hasEvent(harness, 'absolute-link', 'add')).toBe(true); // a link is a file, not a folder

    appendFileSync(join(harness.root, 'real/a.txt'), ' two');
    await waitFor(() => hasEvent(harness, 'real/a.txt', 'change'));
    harness.write('marker.txt');
    await waitFor(() => hasEvent(harness, 'marker.txt', 'add'));
    const files = harness.fileEvents().map((entry) => entry.file);
    expect(new Set(files.filter((file) => file.endsWith('a.txt')))).toEqual(
      new Set(['real/a.txt']),
    );
  });

  it('counts a symbolic link as one file in ready, without walking into it', async () => {
    const harness = await startHarness((write) => write('real/a.txt'));
    await harness.source.stop();
    symlinkSync('real', join(harness.root, 'link'));
    await harness.source.start(contextFor(harness));
    const readies = harness.emitted.filter(([event]) => event === 'ready');
    expect(readies.map(([, data]) => (data as FilesReadyData).files)).toEqual([1, 2]);
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
    await harness.source.start(contextFor(harness));
    const readies = harness.emitted.filter(([event]) => event === 'ready');
    expect(readies.map(([, data]) => (data as FilesReadyData).files)).toEqual([1, 2]);
  });
});

describe('files source settings and engines', { timeout: TEST_TIMEOUT_MS }, () => {
  it('follows symbolic links to folders with followSymlinks, reporting paths through them', async () => {
    const harness = await startWith((write) => write('real/a.txt', 'one'), {
      followSymlinks: true,
    });
    symlinkSync('real', join(harness.root, 'link'));
    await waitFor(() => hasEvent(harness, 'link/a.txt', 'add'));
    appendFileSync(join(harness.root, 'real/a.txt'), ' two');
    await waitFor(
      () => hasEvent(harness, 'real/a.txt', 'change') && hasEvent(harness, 'link/a.txt', 'change'),
    );
  });

  it('runs the watcher off the calling thread: no file system watch handle on it', async () => {
    const watchHandles = () =>
      process.getActiveResourcesInfo().filter((name) => name === 'FSEventWrap').length;
    const before = watchHandles();
    const harness = await startWith((write) => write('src/a.ts'), { engine: 'chokidar' });
    harness.write('src/b.ts');
    await waitFor(() => hasEvent(harness, 'src/b.ts', 'add'));
    expect(watchHandles()).toBe(before);
  });

  it('reports a file written into a new folder before chokidar watches it, once', async () => {
    // Chokidar on the calling thread, so the write can be landed between its read of the new
    // folder and the start of its watch (see test/support/watch-gap.ts).
    const harness = await startWith(() => {}, { engineFactory: createChokidarEngine });
    try {
      const folder = join(harness.root, 'made', 'inner');
      beforeFirstWatchOf(folder, () => writeFileSync(join(folder, 'deep.txt'), 'text'));
      mkdirSync(folder, { recursive: true });
      await waitFor(() => hasEvent(harness, 'made/inner/deep.txt', 'add'));

      harness.write('made/inner/later.txt'); // chokidar reads the folder again
      await waitFor(() => hasEvent(harness, 'made/inner/later.txt', 'add'));
      const adds = harness
        .fileEvents()
        .filter((entry) => entry.event === 'add' || entry.event === 'addDir');
      expect(adds).toEqual([
        { file: 'made', event: 'addDir' },
        { file: 'made/inner', event: 'addDir' },
        { file: 'made/inner/deep.txt', event: 'add' },
        { file: 'made/inner/later.txt', event: 'add' },
      ]);
    } finally {
      restoreFsWatch();
    }
  });

  it('reports ENOSPC with the sysctl line, goes on, and stays in error after ready', async () => {
    let engineOptions: WatchEngineOptions | undefined;
    const harness = await startWith((write) => write('a.txt'), {
      engineFactory: (options) => {
        engineOptions = options;
        return {
          name: 'failing',
          async start() {
            options.onEvent('add', join(options.root, 'a.txt'));
            options.onError(
              toWatchProblem(
                Object.assign(
                  new Error('ENOSPC: System limit for number of file watchers reached'),
                  {
                    code: 'ENOSPC',
                  },
                ),
              ),
            );
          },
          async close() {},
        };
      },
    });
    expect(harness.states.map(({ state }) => state)).toEqual(['error']);
    expect(harness.states[0]?.message).toContain('sudo sysctl fs.inotify.max_user_watches=');
    expect(harness.emitted[0]).toEqual(['ready', expect.objectContaining({ files: 1 })]);
    // What can still be watched is reported.
    engineOptions?.onEvent('add', join(harness.root, 'b.txt'));
    await waitFor(() => hasEvent(harness, 'b.txt', 'add'));
  });

  it("recognises the native watcher's errno text as a code", () => {
    const problem = toWatchProblem(
      new Error("inotify_add_watch on '/srv/project/src' failed: No space left on device"),
    );
    expect(problem.code).toBe('ENOSPC');
    expect(describeWatcherError(problem, '/srv/project')).toContain('max_user_watches');
    expect(toWatchProblem(new Error('Too many open files')).code).toBe('EMFILE');
    expect(toWatchProblem(new Error('something else')).code).toBeUndefined();
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
