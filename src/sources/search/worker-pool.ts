/**
 * Worker threads kept warm for the built-in engine: starting one costs a few hundred
 * milliseconds, which a search should not pay. A search takes workers and gives them back when
 * done; a cancelled search has its workers terminated (they may be deep in a regex) and the
 * pool starts fresh ones later. Idle workers do not keep the process alive.
 */

import { Worker } from 'node:worker_threads';

export interface WorkerPool {
  /** An idle worker, or a new one. */
  acquire(): Worker;
  /** Gives a worker back after its job ended; past `idle` workers, it is terminated. */
  release(worker: Worker): void;
  /** Terminates a worker that cannot be reused (cancelled mid-job, or failed). */
  discard(worker: Worker): Promise<void>;
  /** Terminates every worker, idle or not. */
  close(): Promise<void>;
}

export function createWorkerPool(file: string, idle: number): WorkerPool {
  const idleWorkers: Worker[] = [];
  const all = new Set<Worker>();

  const spawnWorker = () => {
    const worker = new Worker(file);
    all.add(worker);
    worker.once('exit', () => {
      all.delete(worker);
      const index = idleWorkers.indexOf(worker);
      if (index !== -1) idleWorkers.splice(index, 1);
    });
    worker.unref();
    return worker;
  };

  const discard = async (worker: Worker) => {
    all.delete(worker);
    await worker.terminate();
  };

  // Warm up now, so the first search starts at once.
  for (let i = 0; i < idle; i++) idleWorkers.push(spawnWorker());

  return {
    acquire() {
      const worker = idleWorkers.pop() ?? spawnWorker();
      worker.ref(); // a job in progress keeps the process alive
      return worker;
    },
    release(worker) {
      if (!all.has(worker)) return;
      worker.unref();
      if (idleWorkers.length < idle) idleWorkers.push(worker);
      else void discard(worker);
    },
    discard,
    async close() {
      idleWorkers.length = 0;
      await Promise.all([...all].map((worker) => discard(worker)));
    },
  };
}
