/**
 * The built-in engine's worker thread: for each job it is sent, walks its share of the
 * workspace, searches each file and posts results back in batches, so the server's event loop
 * never runs a regex over a file. Cancelling terminates the thread, even in the middle of a
 * slow regex.
 */

import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { createFileSearcher, searchableBytes } from './file-searcher.js';
import { walkFiles } from './file-walker.js';
import { type EncodedMatch, encodeMatch } from './match-json.js';
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
  // Encoded here, off the server's thread; strings also cross threads faster than objects.
  | { type: 'results'; results: EncodedMatch[] }
  | { type: 'done'; filesSearched: number }
  | { type: 'error'; message: string };

/** Results are posted when this many are waiting, or when this much time has passed. */
const POST_EVERY_RESULTS = 200;
const POST_EVERY_MS = 50;

function run(input: WorkerInput, post: (message: WorkerMessage) => void): void {
  const searcher = createFileSearcher(input.plan, input.contextLines);
  const readFile = createFileReader(input.maxFileSize);
  let pending: EncodedMatch[] = [];
  let found = 0;
  let filesSearched = 0;
  let lastPost = performance.now();
  const flush = () => {
    if (pending.length > 0) post({ type: 'results', results: pending });
    pending = [];
    lastPost = performance.now();
  };
  for (const { file, path } of walkFiles(input)) {
    const read = readFile(path);
    if (!read) continue;
    filesSearched++;
    const bytes = searchableBytes(read);
    if (!bytes) continue;
    const results = searcher.search(file, bytes, input.enoughResults - found);
    found += results.length;
    for (const result of results) pending.push(encodeMatch(result));
    if (pending.length >= POST_EVERY_RESULTS || performance.now() - lastPost >= POST_EVERY_MS)
      flush();
    if (found >= input.enoughResults) break;
  }
  flush();
  post({ type: 'done', filesSearched });
}

/**
 * Reads whole files into one buffer that grows as needed, instead of a new one per file. No
 * `fstat`: reading until a read comes back short is one system call less for most files.
 */
function createFileReader(maxFileSize: number) {
  let scratch = Buffer.allocUnsafe(256 * 1024);
  /** The file's bytes (valid until the next read), or null: over the size cap or unreadable. */
  return (path: string): Buffer | null => {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return null;
    }
    try {
      let read = 0;
      for (;;) {
        if (read === scratch.length) {
          if (read > maxFileSize) return null;
          const bigger = Buffer.allocUnsafe(scratch.length * 2);
          scratch.copy(bigger, 0, 0, read);
          scratch = bigger;
        }
        const got = readSync(fd, scratch, read, scratch.length - read, null);
        read += got;
        if (got === 0 || read < scratch.length) break;
      }
      return read > maxFileSize ? null : scratch.subarray(0, read);
    } catch {
      return null;
    } finally {
      closeSync(fd);
    }
  };
}

// Each message is one job; the thread then waits for the next one.
parentPort?.on('message', (input: WorkerInput) => {
  const post = (message: WorkerMessage) => parentPort!.postMessage(message);
  try {
    run(input, post);
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
});
