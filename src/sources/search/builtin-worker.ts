/**
 * The built-in engine's worker thread: walks its share of the workspace, searches each file and
 * posts results back in batches, so the server's event loop never runs a regex over a file.
 * Cancelling terminates the thread, even in the middle of a slow regex.
 */

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { SearchMatch } from '../../protocol.js';
import { createFileSearcher, isBinary } from './file-searcher.js';
import { walkFiles } from './file-walker.js';
import type { QueryPlan } from './query-plan.js';

export interface WorkerInput {
  root: string;
  plan: QueryPlan;
  include: string[];
  exclude: string[];
  contextLines: number;
  maxFileSize: number;
  enoughResults: number;
  shard: { index: number; count: number };
}

export type WorkerMessage =
  | { type: 'results'; results: SearchMatch[] }
  | { type: 'done'; filesSearched: number }
  | { type: 'error'; message: string };

/** Results are posted when this many are waiting, or when this much time has passed. */
const POST_EVERY_RESULTS = 200;
const POST_EVERY_MS = 50;

function run(input: WorkerInput, post: (message: WorkerMessage) => void): void {
  const searcher = createFileSearcher(input.plan, input.contextLines);
  let pending: SearchMatch[] = [];
  let found = 0;
  let filesSearched = 0;
  let lastPost = performance.now();
  const flush = () => {
    if (pending.length > 0) post({ type: 'results', results: pending });
    pending = [];
    lastPost = performance.now();
  };
  for (const { file, path } of walkFiles(input)) {
    const bytes = readSmallFile(path, input.maxFileSize);
    if (!bytes) continue;
    filesSearched++;
    if (isBinary(bytes)) continue;
    const results = searcher.search(file, bytes, input.enoughResults - found);
    found += results.length;
    for (const result of results) pending.push(result);
    if (pending.length >= POST_EVERY_RESULTS || performance.now() - lastPost >= POST_EVERY_MS)
      flush();
    if (found >= input.enoughResults) break;
  }
  flush();
  post({ type: 'done', filesSearched });
}

/** The file's bytes, or null when it is over the size cap or cannot be read. */
function readSmallFile(path: string, maxFileSize: number): Buffer | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const { size } = fstatSync(fd);
    if (size > maxFileSize) return null;
    const bytes = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) {
      const got = readSync(fd, bytes, read, size - read, read);
      if (got === 0) break;
      read += got;
    }
    return read === size ? bytes : bytes.subarray(0, read);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

if (parentPort) {
  const port = parentPort;
  try {
    run(workerData as WorkerInput, (message) => port.postMessage(message));
  } catch (error) {
    port.postMessage({
      type: 'error',
      message: error instanceof Error ? error.message : String(error),
    });
  }
}
