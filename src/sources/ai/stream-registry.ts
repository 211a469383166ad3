/**
 * What the sidecar remembers of each `ai-response` stream: the next index, the text so far, and
 * whether it has ended. Producers are checked against it, `ai.get` answers from it, and silent
 * streams are found in it. Bounded by count and by how long finished streams are kept.
 */

import { SidecarError } from '../../core/errors.js';
import type { AiChunkData, AiStreamState } from '../../protocol/index.js';

export interface StreamRegistryOptions {
  /** Streams held at once, open or finished. */
  maxStreams: number;
  /** How long a finished stream stays answerable by `ai.get`. */
  keepFinishedMs: number;
  /** Text kept per stream; beyond it `text` stops growing and `truncated` is set. */
  maxTextChars: number;
  now?: () => number;
}

/** Who writes a stream: producers through `publish`, or the sidecar's own `ai.chat`. */
export type StreamOwner = 'producer' | 'chat';

export interface StreamRecord {
  readonly id: string;
  readonly owner: StreamOwner;
  text: string;
  lastIndex: number;
  finished: boolean;
  seq: number;
  truncated: boolean;
  /** The event that ended the stream; a `chunk` with `finished: true` counts as `done`. */
  end?: AiStreamState['end'];
  /** Last event or upstream activity, for the silence timeout and for expiry. */
  updatedAt: number;
}

export interface StreamRegistry {
  lookup(id: string): Readonly<StreamRecord> | undefined;
  /** The state `ai.get` answers with, or undefined for a stream not (or no longer) held. */
  state(id: string): AiStreamState | undefined;
  /**
   * Makes room for one more stream by dropping the oldest finished one; throws RATE_LIMITED
   * when every held stream is still open.
   */
  ensureRoom(): void;
  /** Reserves a new stream for `ai.chat` before its first event. */
  claim(id: string): void;
  /** Takes a broadcast `ai-response` event into its stream. */
  record(event: string, data: unknown, seq: number): void;
  /** Upstream bytes arrived for a stream that has no new event yet. */
  touch(id: string): void;
  /** Open streams with nothing new since `cutoff`. */
  silentSince(cutoff: number): StreamRecord[];
  /** Forgets finished streams older than `keepFinishedMs`. */
  prune(): void;
  readonly size: number;
}

export function createStreamRegistry(options: StreamRegistryOptions): StreamRegistry {
  const now = options.now ?? Date.now;
  // Insertion order is creation order: the first finished entry is the oldest one to evict.
  const streams = new Map<string, StreamRecord>();

  function prune(): void {
    const cutoff = now() - options.keepFinishedMs;
    for (const [id, record] of streams) {
      if (record.finished && record.updatedAt <= cutoff) streams.delete(id);
    }
  }

  function evictOldest(finishedOnly: boolean): boolean {
    for (const [id, record] of streams) {
      if (finishedOnly && !record.finished) continue;
      streams.delete(id);
      return true;
    }
    return false;
  }

  function ensureRoom(): void {
    if (streams.size < options.maxStreams) return;
    prune();
    if (streams.size < options.maxStreams || evictOldest(true)) return;
    throw new SidecarError(
      'RATE_LIMITED',
      `too many open ai-response streams (at most ${options.maxStreams}); end one with done or error first`,
      { maxStreams: options.maxStreams },
    );
  }

  function create(id: string, owner: StreamOwner): StreamRecord {
    const record: StreamRecord = {
      id,
      owner,
      text: '',
      lastIndex: -1,
      finished: false,
      seq: 0,
      truncated: false,
      updatedAt: now(),
    };
    streams.set(id, record);
    return record;
  }

  return {
    lookup: (id) => streams.get(id),
    state(id) {
      const record = streams.get(id);
      if (!record) return undefined;
      const state: AiStreamState = {
        id,
        text: record.text,
        lastIndex: record.lastIndex,
        finished: record.finished,
        seq: record.seq,
        truncated: record.truncated,
      };
      if (record.end) state.end = record.end;
      return state;
    },
    ensureRoom,
    claim(id) {
      if (streams.has(id)) throw new Error(`stream ${id} already exists`);
      ensureRoom();
      create(id, 'chat');
    },
    record(event, data, seq) {
      if (!isChunkData(data)) return; // the publish guard checked producers; this is a backstop
      let record = streams.get(data.id);
      if (!record) {
        // Events emitted in-process bypass the guard: make room without refusing.
        if (streams.size >= options.maxStreams) {
          prune();
          if (streams.size >= options.maxStreams && !evictOldest(true)) evictOldest(false);
        }
        record = create(data.id, 'producer');
      }
      const room = options.maxTextChars - record.text.length;
      if (data.chunk.length > room) {
        record.text += data.chunk.slice(0, Math.max(0, room));
        record.truncated = true;
      } else {
        record.text += data.chunk;
      }
      record.lastIndex = data.index;
      record.seq = seq;
      record.updatedAt = now();
      if (data.finished || event === 'done' || event === 'error') {
        record.finished = true;
        record.end = { event: event === 'error' ? 'error' : 'done', data };
      }
    },
    touch(id) {
      const record = streams.get(id);
      if (record && !record.finished) record.updatedAt = now();
    },
    silentSince(cutoff) {
      return [...streams.values()].filter((r) => !r.finished && r.updatedAt <= cutoff);
    },
    prune,
    get size() {
      return streams.size;
    },
  };
}

function isChunkData(data: unknown): data is AiChunkData {
  if (typeof data !== 'object' || data === null) return false;
  const { id, chunk, index } = data as Record<string, unknown>;
  return typeof id === 'string' && typeof chunk === 'string' && Number.isInteger(index);
}
