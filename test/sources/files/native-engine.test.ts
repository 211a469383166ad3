import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import type { Event } from '@parcel/watcher';
import { afterEach, describe, expect, it } from 'vitest';
import type { FileEventKind } from '../../../src/protocol/index.js';
import { createIgnoreFilter } from '../../../src/sources/files/gitignore.js';
import { createNativeEngine, loadNativeWatcher } from '../../../src/sources/files/native-engine.js';
import type { WatchEngine } from '../../../src/sources/files/watch-engine.js';
import { waitFor } from '../../support/server.js';

let root = '';
let engine: WatchEngine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
  if (root) await rm(root, { recursive: true, force: true });
  root = '';
});

function write(file: string, content = ''): void {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), content);
}

/** inotify watches this process holds (Linux); null where /proc is not there. */
function inotifyWatches(): number | null {
  if (!existsSync('/proc/self/fdinfo')) return null;
  let watches = 0;
  for (const fd of readdirSync('/proc/self/fdinfo')) {
    try {
      const info = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
      watches += info.split('\n').filter((line) => line.startsWith('inotify wd:')).length;
    } catch {
      // closed meanwhile
    }
  }
  return watches;
}

async function startEngine(
  loadWatcher: typeof loadNativeWatcher = loadNativeWatcher,
): Promise<[FileEventKind, string][]> {
  const filter = createIgnoreFilter(root);
  const toRelative = (path: string) => relative(root, path).split(sep).join('/');
  const events: [FileEventKind, string][] = [];
  engine = createNativeEngine(
    {
      root,
      followSymlinks: false,
      isIgnored: (path, isDir) => filter.isIgnored(toRelative(path), isDir),
      ignoredIn: (folder) => filter.inFolder(toRelative(folder)),
      onEvent: (event, path) => events.push([event, toRelative(path)]),
      onError: (problem) => {
        throw new Error(problem.message);
      },
    },
    loadWatcher,
  );
  await engine.start();
  return events;
}

/**
 * A watcher whose deliveries the test holds (`held`) and hands on (`deliver`), so that
 * @parcel/watcher has seen each file of a new folder (its watch of the folder was on) before the
 * engine lists the folder.
 */
async function holdingWatcher() {
  const real = await loadNativeWatcher();
  const held: Event[] = [];
  let callback: (error: Error | null, events: Event[]) => unknown = () => {};
  const watcher: typeof real = {
    ...real,
    subscribe: (dir, onEvents, options) => {
      callback = onEvents;
      return real.subscribe(
        dir,
        (error, events) => (error ? onEvents(error, events) : held.push(...events)),
        options,
      );
    },
  };
  const isHeld = (type: Event['type'], path: string) =>
    waitFor(() => held.some((event) => event.type === type && event.path === path));
  return { watcher, held, isHeld, deliver: (events: Event[]) => callback(null, events) };
}

describe('native engine', () => {
  it('watches no ignored folder, at the top or deeper, nor node_modules or .git', async () => {
    root = await mkdtemp(join(tmpdir(), 'sidecar-native-'));
    write('.gitignore', 'dist/\n');
    write('src/a.ts');
    write('dist/top.js');
    write('pkg/src/b.ts');
    write('pkg/dist/deep/c.js');
    write('pkg/node_modules/dep/d.js');
    write('.git/HEAD', 'ref: refs/heads/main\n');
    const watchesBefore = inotifyWatches();

    const events = await startEngine();
    expect(events.map(([, file]) => file).sort()).toEqual([
      '.gitignore',
      'pkg/src/b.ts',
      'src/a.ts',
    ]);
    const watchesAfter = inotifyWatches();
    if (watchesBefore !== null && watchesAfter !== null) {
      // The root, src, pkg and pkg/src: one watch per folder that is not ignored.
      expect(watchesAfter - watchesBefore).toBe(4);
    }

    write('pkg/dist/deep/new.js');
    write('pkg/node_modules/dep/new.js');
    write('src/marker.ts');
    await waitFor(() => events.some(([, file]) => file === 'src/marker.ts'));
    expect(events.map(([, file]) => file).filter((file) => /dist|node_modules/.test(file))).toEqual(
      [],
    );
  });

  it('walks the tree again when the watcher lost events, and reports what changed meanwhile', async () => {
    root = await mkdtemp(join(tmpdir(), 'sidecar-native-'));
    for (const file of ['same.txt', 'edited.txt', 'deleted.txt', 'old/inside.txt']) {
      write(file, 'before');
      const longAgo = new Date(Date.now() - 60_000);
      utimesSync(join(root, file), longAgo, longAgo);
    }
    // A watcher that loses what it sees once told to, then reports that it lost events (as
    // @parcel/watcher does when the system's event queue overflowed).
    const real = await loadNativeWatcher();
    let losing = false;
    let reportLoss = () => {};
    const losingWatcher: typeof real = {
      ...real,
      subscribe: (dir, callback, options) => {
        reportLoss = () => callback(new Error('Events were dropped: the queue overflowed'), []);
        return real.subscribe(dir, (error, events) => losing || callback(error, events), options);
      },
    };
    const events = await startEngine(async () => losingWatcher);
    write('seen.txt'); // reported before events are lost
    await waitFor(() => events.some(([event, file]) => event === 'add' && file === 'seen.txt'));
    events.length = 0;

    losing = true;
    unlinkSync(join(root, 'seen.txt'));
    write('added.txt');
    write('edited.txt', 'after');
    unlinkSync(join(root, 'deleted.txt'));
    write('new/inside.txt');
    rmSync(join(root, 'old'), { recursive: true });
    reportLoss();

    expect(events.sort()).toEqual(
      [
        ['add', 'added.txt'],
        ['add', 'new/inside.txt'],
        ['addDir', 'new'],
        ['change', 'edited.txt'],
        ['unlink', 'deleted.txt'],
        ['unlink', 'old/inside.txt'],
        ['unlink', 'seen.txt'],
        ['unlinkDir', 'old'],
      ].sort(),
    );
  });

  it('reports a file of a new folder once, though both its listing and the watcher see it', async () => {
    root = await mkdtemp(join(tmpdir(), 'sidecar-native-'));
    const { watcher, held, isHeld, deliver } = await holdingWatcher();
    const events = await startEngine(async () => watcher);

    // Nested folders, each with a file written once the watcher watches its folder.
    const folders = ['a', 'a/b', 'a/b/c', 'a/b/c/d'];
    for (const folder of folders) {
      mkdirSync(join(root, folder));
      await isHeld('create', join(root, folder));
      write(`${folder}/file.txt`, 'first');
      await isHeld('create', join(root, folder, 'file.txt'));
    }
    // The folders' events first (the engine lists them), the files' in later deliveries.
    const seen = held.splice(0);
    deliver(seen.filter((event) => !event.path.endsWith('.txt')));
    for (const event of seen.filter((event) => event.path.endsWith('.txt'))) deliver([event]);

    // Written after the listing: a change, and only that.
    write('a/file.txt', 'second');
    await isHeld('update', join(root, 'a/file.txt'));
    deliver(held.splice(0));

    const adds = events.filter(([event]) => event === 'add').map(([, file]) => file);
    expect(adds.sort()).toEqual(folders.map((folder) => `${folder}/file.txt`).sort());
    expect(events.filter(([, file]) => file === 'a/file.txt')).toEqual([
      ['add', 'a/file.txt'],
      ['change', 'a/file.txt'],
    ]);
  });

  it('reports a change for a file of a new folder written after the listing, when only its create comes', async () => {
    root = await mkdtemp(join(tmpdir(), 'sidecar-native-'));
    const { watcher, held, isHeld, deliver } = await holdingWatcher();
    const events = await startEngine(async () => watcher);

    mkdirSync(join(root, 'new'));
    await isHeld('create', join(root, 'new'));
    write('new/file.txt', 'first');
    await isHeld('create', join(root, 'new/file.txt'));
    const [folderCreated, fileCreated] = held.splice(0);
    deliver([folderCreated!]); // the engine lists the folder
    write('new/file.txt', 'second, longer');
    await isHeld('update', join(root, 'new/file.txt'));
    // @parcel/watcher merges a create and an update of one delivery into the create.
    deliver([fileCreated!]);

    expect(events).toEqual([
      ['addDir', 'new'],
      ['add', 'new/file.txt'],
      ['change', 'new/file.txt'],
    ]);
  });
});
