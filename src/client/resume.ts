/**
 * The subscription half of the wire protocol: subscribing with `since` so a reconnect resumes
 * where the client left off, reading the subscribe responses (positions, gaps), and adopting
 * a new epoch when the server restarted.
 */
import {
  type Channel,
  type ClientMessage,
  isStateChannel,
  type ResponseMessage,
  type SubscribeMessage,
  type SubscribeResult,
} from '../protocol/index.js';
import { SidecarClientError } from './errors.js';
import type { SubscriptionRegistry } from './subscriptions.js';
import type { GapInfo } from './types.js';
import { chunk, errorFromBody, isRecord } from './wire.js';

/** The server accepts at most this many channels in one subscribe. */
const MAX_CHANNELS_PER_SUBSCRIBE = 64;

export interface ResumeDeps {
  subscriptions: SubscriptionRegistry;
  send(message: ClientMessage): boolean;
  nextId(): string;
  onGap(gap: GapInfo): void;
  onError(error: SidecarClientError): void;
  /** How long to wait for a subscribe's response before going on without it. */
  timeoutMs: number;
}

export interface Resume {
  /** The server epoch the positions belong to; null before the first welcome. */
  readonly epoch: string | null;
  /**
   * A `welcome` arrived. When its epoch differs from the known one the server restarted and
   * its seq numbers started over: positions are reset, and the affected channels returned as
   * gaps (for the caller to report once the welcome itself has been).
   */
  adoptEpoch(epoch: string): GapInfo[];
  /** Subscribes `channels` on the current socket, each resuming from its position. */
  subscribe(channels: Channel[], done?: () => void): void;
  /** Subscribes every channel again; `synced` runs once all of them were answered. */
  resubscribeAll(synced: () => void): void;
  /** Handles the response to one of our subscribes; false when `response` is not one. */
  handleResponse(response: ResponseMessage): boolean;
  /** The socket is gone: forget the subscribes it carried. */
  reset(): void;
}

export function createResume(deps: ResumeDeps): Resume {
  const { subscriptions } = deps;
  let epoch: string | null = null;
  const waiting = new Map<
    string,
    { since: Record<string, number>; timer: ReturnType<typeof setTimeout>; done?: () => void }
  >();

  function applyResult(result: unknown, since: Record<string, number>): void {
    if (!isRecord(result)) return;
    // The latest seq per channel gives a position even to a channel that has had no event yet,
    // so a drop before its first event still resumes without losing that event.
    const latest = (result as Partial<SubscribeResult>).seq;
    if (isRecord(latest)) {
      for (const [channel, seq] of Object.entries(latest)) {
        if (typeof seq === 'number') subscriptions.advance(channel, seq);
      }
    }
    const gaps = (result as Partial<SubscribeResult>).gaps;
    if (!Array.isArray(gaps) || epoch === null) return;
    for (const channel of gaps) {
      if (typeof channel !== 'string' || !subscriptions.has(channel)) continue;
      const gap: GapInfo = { channel: channel as Channel, reason: 'history', epoch };
      if (since[channel] !== undefined) gap.lastSeq = since[channel];
      deps.onGap(gap);
    }
  }

  const resume: Resume = {
    get epoch() {
      return epoch;
    },

    adoptEpoch(next) {
      const previous = epoch;
      epoch = next;
      if (previous === null || previous === next) return [];
      // A state channel starts fresh (a snapshot of the new server's state); a stream channel
      // resumes from 0 in the new epoch, so events emitted since the restart are not lost.
      const gaps: GapInfo[] = [];
      for (const [channel, lastSeq] of subscriptions.resetPositions()) {
        if (!isStateChannel(channel)) subscriptions.advance(channel, 0);
        gaps.push({ channel, reason: 'epoch', epoch: next, lastSeq });
      }
      return gaps;
    },

    subscribe(channels, done) {
      const id = deps.nextId();
      const since: Record<string, number> = {};
      for (const channel of channels) {
        const position = subscriptions.position(channel);
        if (position !== undefined) since[channel] = position;
      }
      const message: SubscribeMessage = { type: 'subscribe', id, channels };
      if (epoch !== null && Object.keys(since).length > 0) message.since = { epoch, seq: since };
      // Without an answer the waiting requests would never go out: stop waiting at some point.
      const timer = setTimeout(() => {
        if (!waiting.delete(id)) return;
        deps.onError(
          new SidecarClientError('TIMEOUT', 'the server did not answer a subscribe', { channels }),
        );
        done?.();
      }, deps.timeoutMs);
      waiting.set(id, done ? { since, timer, done } : { since, timer });
      deps.send(message);
    },

    resubscribeAll(synced) {
      const batches = chunk(subscriptions.channels(), MAX_CHANNELS_PER_SUBSCRIBE);
      let outstanding = batches.length + 1;
      const answered = () => {
        if (--outstanding === 0) synced();
      };
      for (const batch of batches) resume.subscribe(batch, answered);
      answered();
    },

    handleResponse(response) {
      const wait = waiting.get(response.id);
      if (!wait) return false;
      waiting.delete(response.id);
      clearTimeout(wait.timer);
      if (response.error) deps.onError(errorFromBody(response.error));
      else applyResult(response.result, wait.since);
      wait.done?.();
      return true;
    },

    reset() {
      for (const wait of waiting.values()) clearTimeout(wait.timer);
      waiting.clear();
    },
  };
  return resume;
}
