/**
 * The built-in engine, for machines without ripgrep: the search runs in worker threads from a
 * warm pool (each takes a share of the files), and their batches are handed on as they arrive.
 * Stopping terminates the workers.
 */

import { availableParallelism } from 'node:os';
import { compiledScript } from '../../core/compiled-script.js';
import type { WorkerInput, WorkerMessage } from './builtin-worker.js';
import type { EngineOutcome, SearchEngine } from './engine.js';
import { createWorkerPool } from './worker-pool.js';

export interface BuiltinEngineOptions {
  /** Worker threads per search; defaults to the CPU count, at most 4. */
  workers?: number;
}

/** The worker script (from `dist` when this runs from `src`). */
const WORKER_FILE = compiledScript(import.meta.url, './builtin-worker.js');

export function createBuiltinEngine(options: BuiltinEngineOptions = {}): SearchEngine {
  const workerCount = Math.max(1, options.workers ?? Math.min(4, availableParallelism()));
  const pool = createWorkerPool(WORKER_FILE, workerCount);
  return {
    name: 'builtin',
    start(request, { onResults }) {
      let stopped = false;
      let filesSearched = 0;
      let error: string | undefined;
      const stopJob: (() => void)[] = [];
      const jobs = Array.from({ length: workerCount }, (_, index) => {
        const input: WorkerInput = {
          root: request.root,
          plan: request.plan,
          include: [...request.include],
          exclude: [...request.exclude],
          contextLines: request.contextLines,
          maxFileSize: request.maxFileSize,
          enoughResults: request.enoughResults,
          shard: { index, count: workerCount },
        };
        const worker = pool.acquire();
        const ended = new Promise<void>((resolve) => {
          const onMessage = (message: WorkerMessage) => {
            if (message.type === 'results') {
              if (!stopped) onResults(message.results);
              return;
            }
            if (message.type === 'done') filesSearched += message.filesSearched;
            else error ??= message.message;
            finish(true);
          };
          const onError = (failure: Error) => {
            error ??= `built-in search failed: ${failure.message}`;
            finish(false);
          };
          const onExit = () => finish(false);
          let ended = false;
          const finish = (reusable: boolean) => {
            if (ended) return;
            ended = true;
            worker.off('message', onMessage).off('error', onError).off('exit', onExit);
            if (reusable && !stopped) pool.release(worker);
            else void pool.discard(worker);
            resolve();
          };
          worker.on('message', onMessage).on('error', onError).on('exit', onExit);
          stopJob.push(() => {
            worker.off('message', onMessage).off('error', onError);
            // Resolves once the thread is gone, even if it was deep in a regex.
            void pool.discard(worker).then(() => finish(false));
          });
        });
        worker.postMessage(input);
        return ended;
      });
      const finished: Promise<EngineOutcome> = Promise.all(jobs).then(() =>
        stopped || !error ? { filesSearched } : { filesSearched, error },
      );
      return {
        finished,
        stop() {
          if (stopped) return;
          stopped = true;
          for (const stopOne of stopJob) stopOne();
        },
      };
    },
    close: () => pool.close(),
  };
}
