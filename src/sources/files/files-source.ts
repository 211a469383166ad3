/**
 * The `files` source: watches the workspace, skips what git ignores, and streams
 * `add`/`change`/`unlink`/`addDir`/`unlinkDir` (bursts coalesced into `batch`) after one `ready`.
 *
 * The watching runs in a worker thread (see watch-session.ts): scanning 100,000 files or
 * handling a checkout's thousands of events never stalls the server's event loop, which only
 * relays the coalesced messages. An embedding app may bring its own engine; it runs on the
 * calling thread.
 */

import { relative, sep } from 'node:path';
import { Worker } from 'node:worker_threads';
import { compiledScript } from '../../core/compiled-script.js';
import type { Source, SourceContext } from '../../core/source.js';
import { FILES_DEFAULTS, type FilesSettings } from './files-settings.js';
import type { WatchEngineFactory, WatchProblem } from './watch-engine.js';
import {
  type CoalescingOptions,
  createWatchSession,
  type WatcherMessage,
  type WatchSessionSettings,
} from './watch-session.js';

export interface FilesSourceOptions extends FilesSettings, CoalescingOptions {
  /**
   * A watcher engine of one's own instead of chokidar or the native one. It runs on the
   * calling thread, not in a worker.
   */
  engineFactory?: WatchEngineFactory;
}

/** Distinct watcher problems reported on `system`; past this, they are only logged. */
const MAX_REPORTED_PROBLEMS = 20;

/** How long a stopping worker may take to close its watcher before it is terminated. */
const STOP_GRACE_MS = 5000;

/** The worker script (from `dist` when this runs from `src`). */
const WORKER_FILE = compiledScript(import.meta.url, './watcher-worker.js');

/** Where one `start()`'s watcher runs; `stop()` ends it. */
interface WatcherHost {
  stop(): Promise<void>;
}

export function createFilesSource(options: FilesSourceOptions = {}): Source<'files'> {
  let host: WatcherHost | null = null;
  /** Lets `stop()` release a `start()` still waiting for the initial scan. */
  let releaseStart: () => void = () => {};

  async function stop(): Promise<void> {
    const current = host;
    if (!current) return;
    host = null;
    releaseStart();
    await current.stop();
  }

  async function start(ctx: SourceContext<'files'>): Promise<void> {
    await stop();
    const settings: WatchSessionSettings = {
      root: ctx.root,
      engine: options.engine ?? FILES_DEFAULTS.engine,
      followSymlinks: options.followSymlinks ?? FILES_DEFAULTS.followSymlinks,
      nativeAbove: options.nativeAbove ?? FILES_DEFAULTS.nativeAbove,
      windowMs: options.windowMs,
      maxWindowMs: options.maxWindowMs,
      batchThreshold: options.batchThreshold,
      maxBatchSize: options.maxBatchSize,
    };
    let stopped = false;
    const reportedProblems = new Set<string>();
    const ready = new Promise<void>((resolve) => {
      releaseStart = resolve;
    });

    const report = (problem: WatchProblem) => {
      const message = describeWatcherError(problem, ctx.root);
      if (reportedProblems.has(message) || reportedProblems.size >= MAX_REPORTED_PROBLEMS) {
        ctx.log.debug(message);
        return;
      }
      reportedProblems.add(message);
      ctx.setState('error', message); // logged as a warning, and shown on `system`
    };

    const receive = (message: WatcherMessage) => {
      try {
        if (stopped) return;
        switch (message.type) {
          case 'event':
            ctx.emit(message.event, message.data);
            break;
          case 'problem':
            report(message.problem);
            break;
          case 'log':
            ctx.log[message.level](message.message);
            break;
          case 'ready':
            ctx.emit('ready', message.data);
            // A problem met during the scan stays the state until it is gone.
            if (reportedProblems.size === 0) ctx.setState('running');
            releaseStart();
            break;
        }
      } catch (error) {
        ctx.log.error(`files: could not handle the watcher's ${message.type}`, error);
      }
    };

    const inner = options.engineFactory
      ? hostInThread(settings, options.engineFactory, receive)
      : hostInWorker(settings, receive, (problem) => {
          if (stopped) return;
          report(problem);
          releaseStart(); // a watcher that died will not say `ready`
        });
    host = {
      async stop() {
        stopped = true;
        await inner.stop();
      },
    };
    await ready;
  }

  return { name: 'files', channel: 'files', start, stop };
}

function hostInThread(
  settings: WatchSessionSettings,
  createEngine: WatchEngineFactory,
  receive: (message: WatcherMessage) => void,
): WatcherHost {
  const session = createWatchSession({ ...settings, createEngine, post: receive });
  void session.start().catch((error: unknown) => {
    receive({ type: 'problem', problem: { message: String(error) } });
  });
  return { stop: () => session.stop() };
}

function hostInWorker(
  settings: WatchSessionSettings,
  receive: (message: WatcherMessage) => void,
  onDeath: (problem: WatchProblem) => void,
): WatcherHost {
  const worker = new Worker(WORKER_FILE, { workerData: settings });
  let stopping = false;
  const stopped = new Promise<void>((resolve) => {
    worker.on('message', (message: WatcherMessage | { type: 'stopped' }) => {
      if (message.type === 'stopped') resolve();
      else receive(message);
    });
    worker.once('exit', (code) => {
      resolve();
      if (!stopping) onDeath({ message: `the file watcher thread ended (exit code ${code})` });
    });
  });
  worker.on('error', (error) => {
    if (!stopping) onDeath({ message: `the file watcher thread failed: ${error.message}` });
  });
  return {
    async stop() {
      stopping = true;
      worker.postMessage({ type: 'stop' });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        stopped,
        new Promise((resolve) => {
          timer = setTimeout(resolve, STOP_GRACE_MS);
        }),
      ]);
      clearTimeout(timer);
      await worker.terminate();
    },
  };
}

/** A watcher problem as a message that tells the user what to do about it. */
export function describeWatcherError(problem: unknown, root: string): string {
  const { code, path, message } = (problem ?? {}) as Partial<WatchProblem>;
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
      return `File watcher error: ${message ?? String(problem)}`;
  }
}
