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
});
