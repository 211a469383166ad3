import { describe, expect, it } from 'vitest';
import type { FileEventKind } from '../../../src/protocol/index.js';
import { guardStaleRemovals } from '../../../src/sources/files/stale-removals.js';

/** A guard over a fake disk: `disk` maps each existing path to its kind and mtime. */
function guarded(disk: Map<string, { isDir: boolean; mtimeMs: number }>) {
  const seen: [FileEventKind, string][] = [];
  const onEvent = guardStaleRemovals(
    (event, path) => seen.push([event, path]),
    (path) => disk.get(path) ?? null,
  );
  return { onEvent, seen };
}

describe('guardStaleRemovals', () => {
  it('drops the removal of a file still on disk and the re-add that follows it', () => {
    const disk = new Map([['/w/a.txt', { isDir: false, mtimeMs: 1 }]]);
    const { onEvent, seen } = guarded(disk);
    onEvent('add', '/w/a.txt');
    onEvent('unlink', '/w/a.txt'); // a stale folder listing
    onEvent('add', '/w/a.txt'); // the next listing finds it again
    expect(seen).toEqual([['add', '/w/a.txt']]);
  });

  it('reports a change when the file was written between the stale removal and the re-add', () => {
    const disk = new Map([['/w/a.txt', { isDir: false, mtimeMs: 1 }]]);
    const { onEvent, seen } = guarded(disk);
    onEvent('unlink', '/w/a.txt');
    disk.set('/w/a.txt', { isDir: false, mtimeMs: 2 });
    onEvent('add', '/w/a.txt');
    expect(seen).toEqual([['change', '/w/a.txt']]);
  });

  it('passes real removals through, of files and of folders', () => {
    const disk = new Map([['/w/d', { isDir: false, mtimeMs: 1 }]]);
    const { onEvent, seen } = guarded(disk);
    onEvent('unlink', '/w/gone.txt');
    onEvent('unlinkDir', '/w/d'); // a folder replaced by a file of the same name
    onEvent('add', '/w/gone.txt');
    expect(seen).toEqual([
      ['unlink', '/w/gone.txt'],
      ['unlinkDir', '/w/d'],
      ['add', '/w/gone.txt'],
    ]);
  });

  it('drops the removal of a folder still on disk and its re-add', () => {
    const disk = new Map([['/w/d', { isDir: true, mtimeMs: 1 }]]);
    const { onEvent, seen } = guarded(disk);
    onEvent('unlinkDir', '/w/d');
    onEvent('addDir', '/w/d');
    expect(seen).toEqual([]);
  });
});
