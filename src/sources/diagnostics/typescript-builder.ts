/**
 * The project-wide TypeScript check beside tsserver (see typescript-builder-worker): started
 * in a worker thread, fed the workspace's file changes, and its own exact settled signal —
 * `checking` from a forwarded change until the worker says every change up to it is checked.
 * A worker that fails is restarted by the restart policy, then left stopped.
 */

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { compiledScript } from '../../core/compiled-script.js';
import type { FileEventKind } from '../../protocol/index.js';
import { createRestartPolicy, type RestartPolicyOptions } from './restart-policy.js';
import type { SettleTracker } from './settle-tracker.js';
import type {
  BuilderChanges,
  BuilderDiagnostic,
  BuilderOutput,
  BuilderWorkerData,
} from './typescript-builder-worker.js';
import type { WorkspacePaths } from './workspace-paths.js';

/** The worker script (from `dist` when this runs from `src`). */
const WORKER_FILE = compiledScript(import.meta.url, './typescript-builder-worker.js');

/**
 * The worker's young generation, smaller than V8's default: the check's short-lived objects are
 * collected sooner, and the process holds tens of MB less for the same program.
 */
const YOUNG_GENERATION_MB = 8;

export interface TypeScriptBuilderOptions {
  paths: WorkspacePaths;
  /** The TypeScript `lib` folder to check with. */
  typescriptLib: string;
  restart: RestartPolicyOptions;
  /** A file's full set of problems changed (an empty set: it has none now). */
  onReport(uri: string, diagnostics: BuilderDiagnostic[]): void;
  onState(state: 'starting' | 'running' | 'failed', message?: string): void;
  /** The settled state changed. */
  onSettleChange(): void;
  /** The worker is gone for good: what it reported is no longer kept up to date. */
  onGone(): void;
  /** Files (root-relative) added or changed that no project holds: the check says nothing of them. */
  onOutside?(files: string[]): void;
  log: { warn(message: string, error?: unknown): void };
}

export interface TypeScriptBuilder {
  settle: SettleTracker;
  /** Forwards changes of workspace files (root-relative) to the check. */
  changed(changes: readonly { file: string; kind: FileEventKind }[]): void;
  /**
   * Has the check look at the disk for changes not reported yet (and at `files`): what is
   * on disk now is checked before it is idle again.
   */
  sync(files: readonly string[]): void;
  stop(): Promise<void>;
}

export function createTypeScriptBuilder(options: TypeScriptBuilderOptions): TypeScriptBuilder {
  const { paths } = options;
  const policy = createRestartPolicy(options.restart);
  let worker: Worker | undefined;
  let stopped = false;
  let restartTimer: NodeJS.Timeout | undefined;
  /** The first check of the current worker is done. */
  let ready = false;
  let sentSeq = 0;
  let checkedSeq = 0;
  /** Files changed since the worker last said it was done, as URIs. */
  const pending = new Set<string>();
  /**
   * Per file (URI), the change number its last complete check covered: a wait for it ends
   * there, while the check of its other importers goes on.
   */
  const checkedAt = new Map<string, number>();
  /**
   * Change numbers that changed nothing on disk, and the earlier number whose check holds for
   * them: a file checked for that one needs no more waiting.
   */
  const sameAs = new Map<number, number>();

  /** The change number a file's check must have reached for a wait on it to end. */
  function target(): number {
    let seq = sentSeq;
    while (sameAs.has(seq)) seq = sameAs.get(seq)!;
    return seq;
  }

  const busy = () => !stopped && (!ready || checkedSeq < sentSeq);

  const settle: SettleTracker = {
    state: () => (busy() ? 'checking' : 'idle'),
    busy,
    // The worker's own messages drive this tracker; the LSP-side calls do not apply.
    setReady: () => undefined,
    stop: () => undefined,
    sent: () => undefined,
    pulled: () => undefined,
    pullsEnded: () => undefined,
    answered: () => undefined,
    heard: () => undefined,
    setProgress: () => undefined,
    pending: () => (busy() ? pending : new Set()),
    waitingFor: (uri) =>
      !stopped && (!ready || (checkedSeq < sentSeq && (checkedAt.get(uri) ?? -1) < target())),
    dispose: () => undefined,
  };

  function onMessage(from: Worker, message: BuilderOutput): void {
    if (from !== worker) return;
    switch (message.type) {
      case 'report': {
        for (const [path, diagnostics] of message.files) {
          const file = paths.fileOf(pathToFileURL(path).href);
          if (file !== undefined) options.onReport(paths.uriOf(file), diagnostics);
        }
        // After the reports: a wait that ends now sees the published sets.
        let advanced = false;
        for (const path of message.checked) {
          const file = paths.fileOf(pathToFileURL(path).href);
          if (file === undefined) continue;
          const uri = paths.uriOf(file);
          if ((checkedAt.get(uri) ?? -1) < message.seq) {
            checkedAt.set(uri, message.seq);
            advanced = true;
          }
        }
        if (advanced) options.onSettleChange();
        return;
      }
      case 'unchanged': {
        if (message.same < message.seq) sameAs.set(message.seq, message.same);
        options.onSettleChange();
        return;
      }
      case 'changedAgain':
        sameAs.clear();
        return;
      case 'idle': {
        const first = !ready;
        ready = true;
        checkedSeq = Math.max(checkedSeq, message.seq);
        if (checkedSeq >= sentSeq) {
          pending.clear();
          checkedAt.clear();
          sameAs.clear();
        }
        const outside = message.outside.flatMap((path) => {
          const file = paths.fileOf(pathToFileURL(path).href);
          return file === undefined ? [] : [file];
        });
        if (outside.length > 0) options.onOutside?.(outside);
        if (first) {
          options.onState(
            'running',
            message.projects.length === 0 ? 'no tsconfig.json to check' : undefined,
          );
        }
        options.onSettleChange();
        return;
      }
      case 'checking':
        return;
      case 'failed':
        options.log.warn(`the TypeScript project check failed: ${message.message}`);
        void from.terminate();
        return;
    }
  }

  function spawn(): void {
    ready = false;
    checkedSeq = sentSeq;
    pending.clear();
    checkedAt.clear();
    sameAs.clear();
    options.onState('starting');
    options.onSettleChange();
    const data: BuilderWorkerData = {
      root: paths.root,
      typescript: join(options.typescriptLib, 'typescript.js'),
    };
    const started = new Worker(WORKER_FILE, {
      workerData: data,
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    worker = started;
    started.on('message', (message: BuilderOutput) => onMessage(started, message));
    started.on('error', (error) => options.log.warn('the TypeScript project check crashed', error));
    started.on('exit', () => {
      if (worker !== started || stopped) return;
      worker = undefined;
      const decision = policy.crashed();
      if (!decision.restart) {
        stopped = true;
        options.onState(
          'failed',
          `the TypeScript project check failed ${decision.crashes} times and is left stopped`,
        );
        options.onSettleChange();
        options.onGone();
        return;
      }
      restartTimer = setTimeout(spawn, decision.delayMs);
    });
  }

  function send(changes: readonly { file: string; kind: FileEventKind }[], rescan: boolean) {
    if (stopped || (changes.length === 0 && !rescan)) return;
    sentSeq++;
    for (const { file } of changes) pending.add(paths.uriOf(file));
    const message: BuilderChanges = {
      type: 'changed',
      seq: sentSeq,
      changes: changes.map(({ file, kind }) => ({ path: `${paths.root}/${file}`, kind })),
      rescan,
    };
    worker?.postMessage(message);
    options.onSettleChange();
  }

  spawn();

  return {
    settle,
    changed: (changes) => send(changes, false),
    sync: (files) =>
      send(
        files.map((file) => ({ file, kind: 'change' as const })),
        true,
      ),
    async stop() {
      stopped = true;
      clearTimeout(restartTimer);
      const running = worker;
      worker = undefined;
      options.onSettleChange();
      await running?.terminate();
    },
  };
}
