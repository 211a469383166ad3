/**
 * Guards against chokidar's stale removals. Chokidar re-reads a folder on each change in it and
 * reports as removed what the listing lacks; its throttle lets two re-reads overlap when one
 * takes over a second (thousands of files written at once on a loaded machine), and the older
 * listing, finishing last, then reports files that are there as `unlink`. Within one coalescing
 * window that `add` + `unlink` nets to nothing, so the files went missing; a later re-read adds
 * them again. Here a removal of a path that is still on disk is dropped, and the re-add that
 * follows is reported only if the path changed meanwhile (as `change`).
 */

import type { FileEventKind } from '../../protocol/index.js';

/** The path's kind and modification time, or `null` when it does not exist. */
export type PathProbe = (absolutePath: string) => { isDir: boolean; mtimeMs: number } | null;

export function guardStaleRemovals(
  onEvent: (event: FileEventKind, absolutePath: string) => void,
  probe: PathProbe,
): (event: FileEventKind, absolutePath: string) => void {
  /** Paths whose removal was dropped, with their modification time then. */
  const stillThere = new Map<string, number>();

  return (event, absolutePath) => {
    if (event === 'unlink' || event === 'unlinkDir') {
      const found = probe(absolutePath);
      if (found && found.isDir === (event === 'unlinkDir')) {
        stillThere.set(absolutePath, found.mtimeMs);
        return;
      }
      stillThere.delete(absolutePath);
      onEvent(event, absolutePath);
      return;
    }
    if ((event === 'add' || event === 'addDir') && stillThere.has(absolutePath)) {
      const mtimeThen = stillThere.get(absolutePath);
      stillThere.delete(absolutePath);
      // A folder that stayed has nothing to report; a file only if it was written meanwhile.
      if (event === 'add' && probe(absolutePath)?.mtimeMs !== mtimeThen) {
        onEvent('change', absolutePath);
      }
      return;
    }
    onEvent(event, absolutePath);
  };
}
