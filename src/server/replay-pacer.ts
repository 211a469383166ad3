import { type Channel, isStateChannel, type SubscribeResult } from '../protocol/index.js';
import type { EventBroadcaster } from './broadcaster.js';
import { FRAME_OVERHEAD, type Outbound, type OutboundConnection } from './outbound.js';

/** Bytes a replay queues in one turn of the event loop before other clients get their turn. */
const SLICE_BYTES = 64 * 1024;
/** Events fetched per plan: a slice can never send more, as each costs at least the overhead. */
const EVENTS_PER_PLAN = Math.ceil(SLICE_BYTES / FRAME_OVERHEAD) + 1;

type ResumePoint = { epoch: string; seq: number };

/** A `subscribe` as the pacer carries it out. */
export interface SubscribeRequest {
  id: string | undefined;
  /** Every channel the message names, in its order: the ones it answers for. */
  channels: Channel[];
  /** The channels not followed yet, each with where the client left off (if it said). */
  replays: { channel: Channel; since: ResumePoint | undefined }[];
}

export type SubscribeOutcome = { result: SubscribeResult } | { error: unknown };

export interface ReplayPacer<C> {
  /**
   * Sends each new channel's snapshot or missed events and then follows it, in slices that fit
   * the connection's budget, going on as the client reads; answers once every channel is
   * followed. A subscribe waits for the connection's earlier ones still replaying.
   */
  subscribe(connection: C, request: SubscribeRequest): void;
  /** The connection's channels whose replay is not done yet. */
  replaying(connection: C): ReadonlySet<Channel>;
  /** How many of the connection's subscribes are not answered yet. */
  waiting(connection: C): number;
  /** Stops replaying `channels` (an unsubscribe); pending answers leave them out. */
  cancel(connection: C, channels: Channel[]): void;
  /** The connection is gone. */
  forget(connection: C): void;
}

export interface ReplayPacerDeps<C extends OutboundConnection> {
  broadcaster: Pick<EventBroadcaster, 'epoch' | 'planResume' | 'latestSeq'>;
  outbound: Outbound<C>;
  /** The channel's replay is done: live events go to the connection from now on. */
  follow(connection: C, channel: Channel): void;
  answer(connection: C, id: string | undefined, outcome: SubscribeOutcome): void;
}

interface ChannelReplay {
  channel: Channel;
  /** Where the next plan starts: the client's resume point, then the last seq sent. */
  from: ResumePoint | undefined;
  replayed: number;
  gap: boolean;
}

interface PendingSubscribe {
  id: string | undefined;
  channels: Channel[];
  /** Replays still to do, in order; the first is the one under way. */
  pending: ChannelReplay[];
  done: Map<Channel, { replayed: number; seq: number; gap: boolean }>;
  cancelled: Set<Channel>;
}

interface ConnectionReplays {
  subscribes: PendingSubscribe[];
  channels: Set<Channel>;
  /** A continuation is queued with setImmediate. */
  scheduled: boolean;
}

const NONE: ReadonlySet<Channel> = new Set();

/**
 * Paces resume replays by the connection's budget. Events published on a channel between two
 * slices of its replay are sent from the history by the replay itself, and its last slice and
 * the step that makes it followed run in the same tick, so the client sees each seq once, in
 * order. Nothing is held per replay but a resume point: a client that stops reading costs at
 * most its budget, however often it (re)subscribes.
 */
export function createReplayPacer<C extends OutboundConnection>(
  deps: ReplayPacerDeps<C>,
): ReplayPacer<C> {
  const { broadcaster, outbound } = deps;
  const states = new Map<C, ConnectionReplays>();

  const resumePoint = (seq: number): ResumePoint => ({ epoch: broadcaster.epoch, seq });

  function start(channel: Channel, since: ResumePoint | undefined): ChannelReplay {
    // Without `since`, a stream channel starts at the subscribe, not when its turn comes; a
    // state channel starts with a snapshot, taken when its turn comes.
    const from =
      since ?? (isStateChannel(channel) ? undefined : resumePoint(broadcaster.latestSeq(channel)));
    return { channel, from, replayed: 0, gap: false };
  }

  /**
   * Sends what fits of one channel's replay. Returns undefined once the channel is followed,
   * else why it stopped: the queue is at its replay share, or this turn's slice is used up.
   */
  function advance(
    connection: C,
    replay: ChannelReplay,
    slice: { bytes: number },
  ): 'room' | 'slice' | undefined {
    const stop = (): 'room' | 'slice' | undefined => {
      if (!outbound.hasReplayRoom(connection)) return 'room';
      return slice.bytes > 0 ? undefined : 'slice';
    };
    for (;;) {
      const stopped = stop();
      if (stopped) return stopped;
      const plan = broadcaster.planResume(replay.channel, replay.from, EVENTS_PER_PLAN);
      if (plan.gap) replay.gap = true;
      if (plan.snapshot) slice.bytes -= outbound.sendReplayFrame(connection, plan.snapshot);
      let last = plan.latestSeq;
      for (const entry of plan.replay) {
        const full = stop();
        if (full) return full;
        slice.bytes -= outbound.sendReplayFrame(connection, entry.frame);
        replay.replayed++;
        replay.from = resumePoint(entry.seq);
        last = entry.seq;
      }
      if (last === plan.latestSeq) return undefined;
    }
  }

  function answer(connection: C, state: ConnectionReplays): void {
    const subscribe = state.subscribes.shift()!;
    const channels = subscribe.channels.filter((channel) => !subscribe.cancelled.has(channel));
    const result: SubscribeResult = { channels, replayed: {}, gaps: [], seq: {} };
    for (const channel of channels) {
      const done = subscribe.done.get(channel);
      result.replayed[channel] = done?.replayed ?? 0;
      result.seq[channel] = done?.seq ?? broadcaster.latestSeq(channel);
      if (done?.gap) result.gaps.push(channel);
    }
    deps.answer(connection, subscribe.id, { result });
  }

  function fail(connection: C, state: ConnectionReplays, error: unknown): void {
    const subscribe = state.subscribes.shift()!;
    for (const replay of subscribe.pending) state.channels.delete(replay.channel);
    deps.answer(connection, subscribe.id, { error });
  }

  function pump(connection: C): void {
    const state = states.get(connection);
    if (!state) return;
    const slice = { bytes: SLICE_BYTES };
    while (state.subscribes.length > 0) {
      if (connection.closing) {
        states.delete(connection);
        return;
      }
      const subscribe = state.subscribes[0]!;
      const replay = subscribe.pending[0];
      if (!replay) {
        answer(connection, state);
        continue;
      }
      let stopped: 'room' | 'slice' | undefined;
      try {
        stopped = advance(connection, replay, slice);
      } catch (error) {
        fail(connection, state, error);
        continue;
      }
      if (stopped === 'room') {
        outbound.whenReplayRoom(connection, () => pump(connection));
        return;
      }
      if (stopped === 'slice') {
        schedule(connection, state);
        return;
      }
      subscribe.pending.shift();
      state.channels.delete(replay.channel);
      subscribe.done.set(replay.channel, {
        replayed: replay.replayed,
        seq: broadcaster.latestSeq(replay.channel),
        gap: replay.gap,
      });
      deps.follow(connection, replay.channel);
    }
    if (states.get(connection) === state) states.delete(connection);
  }

  function schedule(connection: C, state: ConnectionReplays): void {
    if (state.scheduled) return;
    state.scheduled = true;
    setImmediate(() => {
      state.scheduled = false;
      pump(connection);
    });
  }

  return {
    subscribe(connection, request) {
      let state = states.get(connection);
      const idle = !state;
      if (!state) {
        state = { subscribes: [], channels: new Set(), scheduled: false };
        states.set(connection, state);
      }
      for (const { channel } of request.replays) state.channels.add(channel);
      state.subscribes.push({
        id: request.id,
        channels: request.channels,
        pending: request.replays.map(({ channel, since }) => start(channel, since)),
        done: new Map(),
        cancelled: new Set(),
      });
      // An earlier subscribe still replaying goes on by itself and reaches this one after it.
      if (idle) pump(connection);
    },
    replaying: (connection) => states.get(connection)?.channels ?? NONE,
    waiting: (connection) => states.get(connection)?.subscribes.length ?? 0,
    cancel(connection, channels) {
      const state = states.get(connection);
      if (!state) return;
      const dropped = new Set(channels);
      for (const subscribe of state.subscribes) {
        for (const channel of subscribe.channels) {
          if (dropped.has(channel)) subscribe.cancelled.add(channel);
        }
        subscribe.pending = subscribe.pending.filter((replay) => !dropped.has(replay.channel));
      }
      for (const channel of channels) state.channels.delete(channel);
      // Subscribes that have nothing left to replay are answered before the unsubscribe is.
      pump(connection);
    },
    forget(connection) {
      states.delete(connection);
    },
  };
}
