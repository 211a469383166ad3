/**
 * A trailing look at files the channel just reported. The first event of a quiet period goes
 * out at once, often while the write that caused it is still under way (an editor truncates,
 * then writes), and chokidar throttles a path's `change` events, so the end of that write may
 * never be reported: a client that read the file on the first event keeps the truncated text.
 * Here each file sent on its own is looked at again one window later; if its size or
 * modification time moved since it was sent, a `change` follows.
 */

import { join } from 'node:path';
import { fileStamp, fileStampSync } from '../../core/file-stamp.js';

export interface WriteSettlerOptions {
  root: string;
  /** How long after a file was sent it is looked at again: the coalescing window. */
  delayMs: number;
  /** The file (root-relative) changed after it was sent. */
  onChanged(file: string): void;
  /** Files looked after at once, at most; more (a burst) are left to the watcher. */
  maxTracked?: number;
}

export interface WriteSettler {
  /**
   * A file event for `file` (an `add` or `change`) is about to go out: call it before sending,
   * so that whatever a client reads on the event comes after the state compared with later.
   */
  sent(file: string): void;
  dispose(): void;
}

interface Tracked {
  /** What the file looked like as it was sent. */
  seen: string | undefined;
  timer: ReturnType<typeof setTimeout>;
}

const DEFAULT_MAX_TRACKED = 256;

export function createWriteSettler(options: WriteSettlerOptions): WriteSettler {
  const { root, delayMs, onChanged, maxTracked = DEFAULT_MAX_TRACKED } = options;
  const tracked = new Map<string, Tracked>();
  let disposed = false;
  // Looks run one after another, in the order the files were sent: few stats at a time, and
  // a file's `change` never overtakes that of a file sent before it.
  let looks: Promise<void> = Promise.resolve();

  function check(file: string, entry: Tracked): void {
    looks = looks.then(async () => {
      const after = await fileStamp(join(root, file));
      if (tracked.get(file) === entry) tracked.delete(file);
      if (disposed || after === undefined || entry.seen === after) return;
      onChanged(file);
    });
  }

  return {
    sent(file) {
      if (disposed) return;
      const previous = tracked.get(file);
      if (previous) clearTimeout(previous.timer);
      else if (tracked.size >= maxTracked) return;
      // A synchronous look (one stat, in the watcher's thread): it must come before the event.
      const entry: Tracked = {
        seen: fileStampSync(join(root, file)),
        timer: setTimeout(() => check(file, entry), delayMs),
      };
      tracked.set(file, entry);
    },
    dispose() {
      disposed = true;
      for (const entry of tracked.values()) clearTimeout(entry.timer);
      tracked.clear();
    },
  };
}
