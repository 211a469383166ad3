import { z } from 'zod';
import { SidecarError } from '../core/errors.js';
import { parseOrThrow } from '../core/parse-or-throw.js';
import type { Source } from '../core/source.js';
import {
  AI_EVENTS,
  type AiChunkData,
  type AiEventKind,
  type Channel,
  isChannel,
  isPublishableChannel,
  type PublishRequestBody,
  type PublishResult,
} from '../protocol/index.js';
import type { EventBroadcaster } from './broadcaster.js';
import { checkPublishDepth } from './data-depth.js';

/** Checks a publish for one channel before it is broadcast; throws SidecarError to refuse it. */
export type PublishGuard = (event: string, data: unknown) => void;

/**
 * The one path by which producers (the `publish` message and `POST /publish`) put events on a
 * channel: only `ai-response` and `custom:*` channels, each with its own checks.
 */
export interface Publisher {
  publish(input: PublishRequestBody): PublishResult;
  /**
   * Hands a publish on a source's own channel (an editor's `diagnostics`) to that source, which
   * takes it into its state, and broadcasts what it returns. The caller has checked that the
   * producer may; UNAVAILABLE when no source of the channel takes publishes.
   */
  ingest(channel: Channel, event: string, data: unknown): PublishResult;
  /**
   * Refuses every later publish with UNAVAILABLE. Called as shutdown begins, so that no
   * producer is told an event was published once its subscribers are being closed.
   */
  stop(): void;
}

const aiChunk = z.looseObject({
  id: z.string().min(1).max(256),
  chunk: z.string(),
  index: z.number().int().nonnegative(),
  finished: z.boolean(),
});

/** The event of an `ai-response` publish, once it is known to be one of the channel's. */
function checkAiEvent(event: string): AiEventKind {
  const known = AI_EVENTS.find((name) => name === event);
  if (known) return known;
  throw new SidecarError('INVALID_PARAMS', `ai-response events are ${AI_EVENTS.join(', ')}`, {
    field: 'event',
  });
}

/** The data of an `ai-response` publish: a well-formed chunk. */
function checkAiChunk(data: unknown): asserts data is AiChunkData {
  parseOrThrow(aiChunk, data, 'INVALID_PARAMS', 'ai-response data');
}

/**
 * Sources add checks of their own for their channel (the ai source's per-stream order); they
 * run after the channel's shape check, so they see well-formed data.
 */
export function createPublisher(
  broadcaster: EventBroadcaster,
  sources: readonly Pick<Source, 'channel' | 'guardPublish' | 'ingestPublish'>[] = [],
): Publisher {
  const guards = new Map<Channel, PublishGuard[]>();
  const ingesters = new Map<Channel, Pick<Source, 'ingestPublish'>>();
  for (const source of sources) if (source.ingestPublish) ingesters.set(source.channel, source);
  for (const source of sources) {
    const { channel, guardPublish } = source;
    if (!guardPublish) continue;
    const guard: PublishGuard = (event, data) => guardPublish.call(source, event, data);
    guards.set(channel, [...(guards.get(channel) ?? []), guard]);
  }
  const runGuards = (channel: Channel, event: string, data: unknown) => {
    for (const guard of guards.get(channel) ?? []) guard(event, data);
  };
  let stopped = false;
  return {
    publish({ channel, event, data }) {
      if (stopped) throw new SidecarError('UNAVAILABLE', 'the sidecar is shutting down');
      if (!isChannel(channel)) {
        throw new SidecarError('UNKNOWN_CHANNEL', `unknown channel "${channel}"`, { channel });
      }
      if (!isPublishableChannel(channel)) {
        throw new SidecarError(
          'FORBIDDEN',
          `clients may not publish on "${channel}"; publish on ai-response or custom:<name>`,
          { channel },
        );
      }
      checkPublishDepth(data);
      if (channel === 'ai-response') {
        // The channel's shape check first, so the source's guards see well-formed data.
        const aiEvent = checkAiEvent(event);
        checkAiChunk(data);
        runGuards(channel, event, data);
        return { channel, seq: broadcaster.emit(channel, aiEvent, data) };
      }
      runGuards(channel, event, data);
      return { channel, seq: broadcaster.emit(channel, event, data ?? null) };
    },
    ingest(channel, event, data) {
      if (stopped) throw new SidecarError('UNAVAILABLE', 'the sidecar is shutting down');
      const ingester = ingesters.get(channel);
      if (!ingester?.ingestPublish) {
        throw new SidecarError('UNAVAILABLE', `no source of "${channel}" runs in this sidecar`, {
          channel,
        });
      }
      checkPublishDepth(data);
      const broadcast = ingester.ingestPublish(event, data);
      return { channel, seq: broadcaster.emit(channel, event, broadcast as never) };
    },
    stop() {
      stopped = true;
    },
  };
}
