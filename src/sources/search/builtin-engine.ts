/**
 * The built-in engine, for machines without ripgrep: the search runs in worker threads (each
 * takes a share of the files), and their batches are handed on as they arrive. Stopping
 * terminates the workers.
 */

import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorkerInput, WorkerMessage } from './builtin-worker.js';
import type { EngineOutcome, SearchEngine } from './engine.js';

export interface BuiltinEngineOptions {
  /** Worker threads per search; defaults to the CPU count, at most 4. */
  workers?: number;
}

/**
 * The worker script. Compiled, it sits beside this file; when this file runs from `src` (the
 * tests), the worker comes from the build in `dist`, since a worker thread cannot load
 * TypeScript.
 */
const WORKER_FILE = import.meta.url.endsWith('.ts')
  ? fileURLToPath(new URL('../../../dist/sources/search/builtin-worker.js', import.meta.url))
  : fileURLToPath(new URL('./builtin-worker.js', import.meta.url));

export function createBuiltinEngine(options: BuiltinEngineOptions = {}): SearchEngine {
  const workerCount = Math.max(1, options.workers ?? Math.min(4, availableParallelism()));
  return {
    name: 'builtin',
    start(request, { onResults }) {
      let stopped = false;
      let filesSearched = 0;
      let error: string | undefined;
      const workers = Array.from({ length: workerCount }, (_, index) => {
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
        return new Worker(WORKER_FILE, { workerData: input });
      });
      const exits = workers.map((worker) => {
        worker.on('message', (message: WorkerMessage) => {
          if (stopped) return;
          if (message.type === 'results') onResults(message.results);
          else if (message.type === 'done') filesSearched += message.filesSearched;
          else error ??= message.message;
        });
        worker.on('error', (failure) => {
          error ??= `built-in search failed: ${failure.message}`;
        });
        return new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      });
      const finished: Promise<EngineOutcome> = Promise.all(exits).then(() =>
        stopped || !error ? { filesSearched } : { filesSearched, error },
      );
      return {
        finished,
        stop() {
          stopped = true;
          for (const worker of workers) void worker.terminate();
        },
      };
    },
  };
}
