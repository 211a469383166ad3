import { randomBytes } from 'node:crypto';
import { SidecarError } from '../core/errors.js';
import type { JsonText } from '../core/json-text.js';
import {
  type AiChunkData,
  BUILTIN_CHANNELS,
  type Channel,
  type DiagnosticsUpdatedData,
  type EventData,
  type EventName,
  type FileEventKind,
  isBuiltinChannel,
  isStateChannel,
  type SearchDoneData,
  type SearchProgressData,
  type SearchResultsData,
  type SnapshotMessage,
  type ValidationCompleteData,
} from '../protocol/index.js';
import { eventFrame, serializeEventData } from './event-frame.js';
import { createHistory, type History, type HistoryEntry } from './history.js';

/** Called once per broadcast event with the frame every subscriber is sent as is. */
export type BroadcastListener = (channel: Channel, frame: Buffer) => void;
/** In-process listener (other sources): gets the event unserialized. */
export type EventListener = (event: {
  channel: Channel;
  event: string;
  data: unknown;
  seq: number;
}) => void;

/** What a subscriber is sent when it (re)subscribes to a channel. */
export interface ResumePlan {
  /** Held events to send first, oldest first, with their original seq (at most the limit). */
  replay: HistoryEntry[];
  /** True when some events the subscriber missed can no longer be sent. */
  gap: boolean;
  /** State channels: the serialized current state, sent instead of a replay that has a gap. */
  snapshot?: Buffer;
  /** The channel's latest seq when the plan was made. */
  latestSeq: number;
}

export interface EventBroadcaster {
  /** Changes on every server start; a resume point from another epoch cannot be replayed. */
  readonly epoch: string;
  /** Numbers, serializes once, keeps and hands `event` to every listener; returns its seq. */
  emit<C extends Channel, E extends EventName<C>>(
    channel: C,
    event: E,
    data: EventData<C, E>,
  ): number;
  /**
   * `emit` for data its source has already serialized (a search's results, built from
   * ripgrep's output): the frame is made around `json` as it is, and in-process listeners, if
   * the channel has any, get it parsed.
   */
  emitJson<C extends Channel, E extends EventName<C>>(
    channel: C,
    event: E,
    json: JsonText<EventData<C, E>>,
  ): number;
  /**
   * Registers the provider of a state channel's snapshot; `ready` tells while the provider
   * does not know the state yet (its source is starting): it settles once it does.
   */
  setSnapshotProvider(
    channel: Channel,
    provider: (() => unknown) | undefined,
    ready?: () => Promise<void> | undefined,
  ): void;
  /** Settles once the channel's snapshot holds its source's first state; undefined if it does. */
  snapshotReady(channel: Channel): Promise<void> | undefined;
  snapshot(channel: Channel): SnapshotMessage | undefined;
  /** What to send a subscriber resuming from `since`; `limit` caps the events in `replay`. */
  planResume(
    channel: Channel,
    since: { epoch: string; seq: number } | undefined,
    limit?: number,
  ): ResumePlan;
  latestSeq(channel: Channel): number;
  /** What a channel's history holds: at most `history` events and the per-channel byte cap. */
  historyUsage(channel: Channel): { events: number; bytes: number };
  /** Builtin channels and every custom channel seen so far. */
  channels(): Channel[];
  onBroadcast(listener: BroadcastListener): () => void;
  onEvent(channel: Channel, listener: EventListener): () => void;

  // Named helpers for the built-in channels' events, built on `emit`.
  fileChanged(file: string, event: FileEventKind): number;
  diagnosticsUpdated(data: DiagnosticsUpdatedData): number;
  aiChunk(id: string, chunk: string, index: number, finished: boolean): number;
  searchProgress(
    event: 'progress' | 'results' | 'done',
    data: SearchProgressData | SearchResultsData | SearchDoneData,
  ): number;
  validationComplete(result: ValidationCompleteData): number;
  gitEvent<E extends EventName<'git'>>(type: E, data: EventData<'git', E>): number;
}

export interface BroadcasterOptions {
  /** Events kept per channel for replay. */
  history: number;
  /** How many distinct custom channels may exist, so producers cannot grow memory forever. */
  maxCustomChannels?: number;
  now?: () => number;
}

/**
 * Bytes of frames one channel's history may hold, whatever its event count (one frame larger
 * than this is still kept, alone, until the next event).
 */
export const HISTORY_MAX_BYTES_PER_CHANNEL = 32 * 1024 * 1024;

interface ChannelState {
  seq: number;
  history: History;
  snapshotProvider?: () => unknown;
  snapshotReady?: () => Promise<void> | undefined;
  listeners: Set<EventListener>;
}

export function createBroadcaster(options: BroadcasterOptions): EventBroadcaster {
  const epoch = randomBytes(6).toString('base64url');
  const now = options.now ?? Date.now;
  const maxCustomChannels = options.maxCustomChannels ?? 256;
  const states = new Map<Channel, ChannelState>();
  const broadcastListeners = new Set<BroadcastListener>();
  let customChannels = 0;

  function stateOf(channel: Channel): ChannelState {
    let state = states.get(channel);
    if (!state) {
      if (!isBuiltinChannel(channel) && ++customChannels > maxCustomChannels) {
        customChannels--;
        throw new SidecarError(
          'FORBIDDEN',
          `too many custom channels (at most ${maxCustomChannels})`,
        );
      }
      state = {
        seq: 0,
        history: createHistory(options.history, HISTORY_MAX_BYTES_PER_CHANNEL),
        listeners: new Set(),
      };
      states.set(channel, state);
    }
    return state;
  }
  for (const channel of BUILTIN_CHANNELS) stateOf(channel);

  function emit(channel: Channel, event: string, data: unknown): number {
    // Serialized before anything else: data that cannot be serialized throws here, before it
    // takes a seq or creates a channel, so seqs stay contiguous whatever a producer sends.
    const serialized = serializeEventData(data);
    const state = stateOf(channel);
    const seq = broadcast(state, channel, event, serialized);
    notify(state, channel, event, data, seq);
    return seq;
  }

  function emitJson(channel: Channel, event: string, json: string): number {
    const state = stateOf(channel);
    const seq = broadcast(state, channel, event, json);
    // Parsed only for in-process listeners, and only when the channel has some.
    if (state.listeners.size > 0) notify(state, channel, event, JSON.parse(json), seq);
    return seq;
  }

  /** Numbers the event, keeps its frame and hands it to every broadcast listener; its seq. */
  function broadcast(
    state: ChannelState,
    channel: Channel,
    event: string,
    serialized: string | undefined,
  ): number {
    const seq = ++state.seq;
    // Serialized once; every subscriber and every replay sends these same bytes.
    const frame = eventFrame(channel, event, serialized, seq, now());
    state.history.push({ seq, frame });
    for (const listener of broadcastListeners) listener(channel, frame);
    return seq;
  }

  function notify(
    state: ChannelState,
    channel: Channel,
    event: string,
    data: unknown,
    seq: number,
  ): void {
    for (const listener of state.listeners) {
      try {
        listener({ channel, event, data, seq });
      } catch {
        // A faulty in-process listener must not stop the broadcast.
      }
    }
  }

  function snapshot(channel: Channel): SnapshotMessage | undefined {
    const state = states.get(channel);
    if (!state?.snapshotProvider) return undefined;
    return {
      type: 'snapshot',
      channel,
      data: state.snapshotProvider(),
      seq: state.seq,
      timestamp: now(),
    };
  }

  function planResume(
    channel: Channel,
    since: { epoch: string; seq: number } | undefined,
    limit = Number.POSITIVE_INFINITY,
  ): ResumePlan {
    // Looking up a channel must not create it: subscribers would use up the custom-channel quota.
    const state = states.get(channel);
    const latestSeq = state?.seq ?? 0;
    const snapshotFrame = () => {
      const message = snapshot(channel);
      return message && Buffer.from(JSON.stringify(message));
    };
    if (!since) {
      return {
        replay: [],
        gap: false,
        snapshot: isStateChannel(channel) ? snapshotFrame() : undefined,
        latestSeq,
      };
    }
    // From another epoch, every event of this one is new to the client, and what it missed of
    // the old one is lost: replay this epoch from its start and report the gap.
    const sameEpoch = since.epoch === epoch;
    const after = sameEpoch ? since.seq : 0;
    if (sameEpoch && after === latestSeq) return { replay: [], gap: false, latestSeq };
    // The history finds what follows `after` and knows whether any of it was dropped.
    const held = after < latestSeq ? state?.history.after(after, limit) : undefined;
    if (held && sameEpoch) return { replay: held, gap: false, latestSeq };
    if (isStateChannel(channel)) {
      return { replay: [], gap: true, snapshot: snapshotFrame(), latestSeq };
    }
    // A client claiming events this epoch never had cannot be answered with older ones.
    if (!state || after > latestSeq) return { replay: [], gap: true, latestSeq };
    // A stream channel has no state to send instead: send what is still held.
    return { replay: held ?? state.history.held(limit), gap: true, latestSeq };
  }

  /** `emit` as the broadcaster offers it: each channel's events and data as the protocol says. */
  const typedEmit: EventBroadcaster['emit'] = emit;

  return {
    epoch,
    emit: typedEmit,
    emitJson,
    setSnapshotProvider(channel, provider, ready) {
      const state = stateOf(channel);
      state.snapshotProvider = provider;
      state.snapshotReady = provider ? ready : undefined;
    },
    snapshotReady: (channel) => states.get(channel)?.snapshotReady?.(),
    snapshot,
    planResume,
    latestSeq: (channel) => states.get(channel)?.seq ?? 0,
    historyUsage(channel) {
      const history = states.get(channel)?.history;
      return { events: history?.size ?? 0, bytes: history?.bytes ?? 0 };
    },
    channels: () => [...states.keys()],
    onBroadcast(listener) {
      broadcastListeners.add(listener);
      return () => broadcastListeners.delete(listener);
    },
    onEvent(channel, listener) {
      const { listeners } = stateOf(channel);
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    fileChanged: (file, event) => typedEmit('files', event, { file, event }),
    diagnosticsUpdated: (data) => typedEmit('diagnostics', 'updated', data),
    aiChunk: (id, chunk, index, finished) =>
      typedEmit('ai-response', finished ? 'done' : 'chunk', {
        id,
        chunk,
        index,
        finished,
      } satisfies AiChunkData),
    searchProgress: (event, data) => typedEmit('search', event, data),
    validationComplete: (result) => typedEmit('validation', 'complete', result),
    gitEvent: (type, data) => typedEmit('git', type, data),
  };
}
