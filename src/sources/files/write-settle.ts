/**
 * A trailing look at files the channel just reported. The first event of a quiet period goes
 * out at once, often while the write that caused it is still under way (an editor truncates,
 * then writes), and chokidar throttles a path's `change` events, so the end of that write may
 * never be reported: a client that read the file on the first event keeps the truncated text.
 * Here each file sent on its own is looked at again one window later; if its size or
 * modification time moved since it was sent, a `change` follows.
 */

import { join } from 'node:path';
import { fileStamp } from '../../core/file-stamp.js';

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
   * A file event for `file` (an `add` or `change`) went out. Resolves once the file's state
   * then is known (what the later look compares with).
   */
  sent(file: string): Promise<void>;
  dispose(): void;
}

interface Tracked {
  /** What the file looked like just after it was sent. */
  seen: Promise<string | undefined>;
  timer?: ReturnType<typeof setTimeout>;
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
      const [before, after] = await Promise.all([entry.seen, fileStamp(join(root, file))]);
      if (tracked.get(file) === entry) tracked.delete(file);
      if (disposed || after === undefined || before === after) return;
      onChanged(file);
    });
  }

  return {
    async sent(file) {
      if (disposed) return;
      const previous = tracked.get(file);
      if (previous) clearTimeout(previous.timer);
      else if (tracked.size >= maxTracked) return;
      const entry: Tracked = { seen: fileStamp(join(root, file)) };
      tracked.set(file, entry);
      await entry.seen;
      // One window after what the file looked like then, unless it was sent again meanwhile.
      if (!disposed && tracked.get(file) === entry) {
        entry.timer = setTimeout(() => check(file, entry), delayMs);
      }
    },
    dispose() {
      disposed = true;
      for (const entry of tracked.values()) clearTimeout(entry.timer);
      tracked.clear();
    },
  };
}
