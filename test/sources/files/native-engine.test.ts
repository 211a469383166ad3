import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FileEventKind } from '../../../src/protocol/index.js';
import { createIgnoreFilter } from '../../../src/sources/files/gitignore.js';
import { createNativeEngine } from '../../../src/sources/files/native-engine.js';
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

async function startEngine(): Promise<[FileEventKind, string][]> {
  const filter = createIgnoreFilter(root);
  const toRelative = (path: string) => relative(root, path).split(sep).join('/');
  const events: [FileEventKind, string][] = [];
  engine = createNativeEngine({
    root,
    followSymlinks: false,
    isIgnored: (path, isDir) => filter.isIgnored(toRelative(path), isDir),
    ignoredIn: (folder) => filter.inFolder(toRelative(folder)),
    onEvent: (event, path) => events.push([event, toRelative(path)]),
    onError: (problem) => {
      throw new Error(problem.message);
    },
  });
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
});
