/**
 * The `files` source: watches the workspace with chokidar, skips what git ignores, and streams
 * `add`/`change`/`unlink`/`addDir`/`unlinkDir` (bursts coalesced into `batch`) after one `ready`.
 */

import { isAbsolute, relative, sep } from 'node:path';
import { type FSWatcher, watch } from 'chokidar';
import type { Source, SourceContext } from '../../core/source.js';
import type { EventData, EventName, FileEventKind, FilesReadyData } from '../../protocol/index.js';
import { type Coalescer, createCoalescer } from './coalesce.js';
import { createIgnoreFilter } from './gitignore.js';

export interface FilesSourceOptions {
  /** How long a burst of changes is collected before it is sent. */
  windowMs?: number;
  /** A flush of at most this many events sends them one by one; above it, as `batch`. */
  batchThreshold?: number;
  /** The most entries one `batch` event carries. */
  maxBatchSize?: number;
}

/** Distinct watcher problems reported on `system`; past this, they are only logged. */
const MAX_REPORTED_PROBLEMS = 20;

const IS_DIR_EVENT: Readonly<Record<FileEventKind, boolean>> = Object.freeze({
  add: false,
  change: false,
  unlink: false,
  addDir: true,
  unlinkDir: true,
});

/** What one `start()` owns; `stop()` tears it down. */
interface WatchSession {
  watcher: FSWatcher;
  coalescer: Coalescer;
  stopped: boolean;
  /** Lets `stop()` release a `start()` still waiting for the initial scan. */
  releaseStart: () => void;
}

export function createFilesSource(options: FilesSourceOptions = {}): Source<'files'> {
  let session: WatchSession | null = null;

  async function stop(): Promise<void> {
    const current = session;
    if (!current) return;
    session = null;
    current.stopped = true;
    current.coalescer.dispose(); // nothing pending is sent after stop
    current.releaseStart();
    await current.watcher.close();
  }

  async function start(ctx: SourceContext<'files'>): Promise<void> {
    await stop();
    const startedAt = performance.now();
    const filter = createIgnoreFilter(ctx.root);
    const toRelative = (absolutePath: string) =>
      relative(ctx.root, absolutePath).split(sep).join('/');
    const isBelowRoot = (file: string) =>
      file !== '' && file !== '..' && !file.startsWith('../') && !isAbsolute(file);

    const emitSafely = <E extends EventName<'files'>>(event: E, data: EventData<'files', E>) => {
      try {
        ctx.emit(event, data);
      } catch (error) {
        ctx.log.error(`files: could not emit ${event}`, error);
      }
    };

    let scanDone = false;
    let initialFileCount = 0;
    const reportedProblems = new Set<string>();

    const watcher = watch(ctx.root, {
      ignored: (path, stats) => {
        try {
          const file = toRelative(path);
          if (!isBelowRoot(file)) return false;
          return filter.isIgnored(file, stats?.isDirectory() ?? false);
        } catch {
          return false; // a filter failure must not break chokidar's scan
        }
      },
      ignoreInitial: false,
      persistent: true,
      atomic: true,
    });
    const current: WatchSession = {
      watcher,
      coalescer: createCoalescer({ ...options, emit: emitSafely }),
      stopped: false,
      releaseStart: () => {},
    };
    session = current;

    const handleFileEvent = (event: FileEventKind, absolutePath: string) => {
      try {
        if (current.stopped) return;
        const file = toRelative(absolutePath);
        if (!isBelowRoot(file)) return; // the root's own addDir, or a path outside it
        // Rules changed: later events (and this one) follow the new ones.
        if (file === '.gitignore' || file.endsWith('/.gitignore')) {
          filter.invalidate(file.slice(0, -'.gitignore'.length));
        }
        if (event === 'unlinkDir') filter.invalidate(file);
        if (filter.isIgnored(file, IS_DIR_EVENT[event])) return;
        if (!scanDone) {
          // The initial scan is summed up by `ready`, not replayed as thousands of `add`s.
          if (event === 'add') initialFileCount++;
          return;
        }
        current.coalescer.push(file, event);
      } catch (error) {
        ctx.log.error(`files: could not handle ${event} ${absolutePath}`, error);
      }
    };
    for (const event of Object.keys(IS_DIR_EVENT) as FileEventKind[]) {
      watcher.on(event, (path: string) => handleFileEvent(event, path));
    }

    watcher.on('error', (error: unknown) => {
      try {
        if (current.stopped) return;
        const message = describeWatcherError(error, ctx.root);
        if (reportedProblems.has(message) || reportedProblems.size >= MAX_REPORTED_PROBLEMS) {
          ctx.log.debug(message);
          return;
        }
        reportedProblems.add(message);
        ctx.log.warn(message);
        ctx.setState('error', message);
      } catch (failure) {
        ctx.log.error('files: could not report a watcher error', failure);
      }
    });

    await new Promise<void>((resolve) => {
      current.releaseStart = resolve;
      watcher.once('ready', () => {
        try {
          if (current.stopped) return;
          scanDone = true;
          const data: FilesReadyData = {
            files: initialFileCount,
            durationMs: Math.round(performance.now() - startedAt),
          };
          emitSafely('ready', data);
          ctx.setState('running');
        } catch (error) {
          ctx.log.error('files: could not report ready', error);
        } finally {
          resolve();
        }
      });
    });
  }

  return { name: 'files', channel: 'files', start, stop };
}

/** A watcher error as a message that tells the user what to do about it. */
export function describeWatcherError(error: unknown, root: string): string {
  const { code, path, message } = (error ?? {}) as NodeJS.ErrnoException;
  switch (code) {
    case 'ENOSPC':
      return (
        'The inotify watch limit is reached, so some file changes are not reported. Raise it ' +
        'with `sudo sysctl fs.inotify.max_user_watches=524288` (add ' +
        '`fs.inotify.max_user_watches=524288` to /etc/sysctl.conf to keep it), or add the big ' +
        'folders to .gitignore.'
      );
    case 'EMFILE':
      return (
        'Too many open files, so some file changes are not reported. Raise the limit with ' +
        '`ulimit -n 65536` in the shell that starts sidecar, or add the big folders to .gitignore.'
      );
    case 'EACCES':
    case 'EPERM': {
      const where = path ? relative(root, path).split(sep).join('/') || '.' : 'a path';
      return `Permission denied on ${where}: it is skipped.`;
    }
    default:
      return `File watcher error: ${message ?? String(error)}`;
  }
}
