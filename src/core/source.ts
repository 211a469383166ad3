import type {
  Channel,
  DiagnosticsActivityData,
  EventData,
  EventName,
  SourceState,
} from '../protocol/index.js';
import type { JsonText } from './json-text.js';
import type { Logger } from './logger.js';
import type { MethodDefinition } from './methods.js';

/** Something the sidecar broadcasts on a channel, as seen by other sources in-process. */
export interface SourceEvent {
  channel: Channel;
  event: string;
  data: unknown;
  seq: number;
}

/**
 * What the sidecar hands a source when it starts. `C` is the source's channel: its events and
 * their data are checked against the protocol's `ChannelEventMap`.
 */
export interface SourceContext<C extends Channel = Channel> {
  /** Absolute workspace root. */
  root: string;
  log: Logger;
  /** Broadcast an event on this source's channel; returns its `seq`. */
  emit<E extends EventName<C>>(event: E, data: EventData<C, E>): number;
  /** `emit` with the data already serialized by the source, sent as it is. */
  emitJson<E extends EventName<C>>(event: E, json: JsonText<EventData<C, E>>): number;
  /** Report a state change on `system` (`source` event), e.g. `unavailable` with the reason. */
  setState(state: SourceState, message?: string): void;
  /**
   * Report the state of one part of this source that runs on its own (a language server),
   * on `system` as `<source>:<part>`, so one part failing does not hide the others.
   */
  setPartState(part: string, state: SourceState, message?: string): void;
  /** Broadcast an event on `system` about this source's work (diagnostics' activity). */
  emitSystem?(event: 'diagnostics', data: DiagnosticsActivityData): void;
  /** Listen to another channel's events in-process; returns a function that stops listening. */
  onEvent(channel: Channel, listener: (event: SourceEvent) => void): () => void;
  /**
   * Listen for clients that disconnect (their id, as methods see it in `caller.clientId`), to
   * stop work done for them that outlives its request; returns a function that stops listening.
   */
  onClientGone(listener: (clientId: string) => void): () => void;
}

/**
 * A producer of events for one channel. It knows nothing of WebSockets: it emits through its
 * context, and the broadcaster and manager do the rest. A built-in source names its channel
 * (`Source<'git'>`), so what it emits is checked against the protocol; `Source` alone is any
 * source, whatever its channel, as the runner and the options hold them.
 */
// biome-ignore lint/suspicious/noExplicitAny: a context is invariant in its channel, so only `any` lets every Source<C> be a Source
export interface Source<C extends Channel = any> {
  readonly name: string;
  readonly channel: C;
  /**
   * Resolves (or rejects, when the source cannot run) once the source knows its first state.
   * Until then, calls to its methods and snapshots of its channel wait for it, so resolving
   * early would have them answered with a state the source does not know yet.
   */
  start(ctx: SourceContext<C>): Promise<void>;
  stop(): Promise<void>;
  /** State channels: the whole current state, sent to a fresh subscriber as a `snapshot`. */
  snapshot?(): unknown;
  /** Request methods this source answers. */
  methods?: MethodDefinition[];
  /**
   * Checks a producer's publish on this source's channel before it is broadcast (after the
   * channel's shape check); throws a SidecarError to refuse it.
   */
  guardPublish?(event: string, data: unknown): void;
  /**
   * Takes a producer's publish on this channel into the source's own state (an editor's
   * diagnostics): returns the event's data to broadcast, or throws a SidecarError to refuse it.
   * Only the server calls it, for clients it allows to publish there.
   */
  ingestPublish?(event: string, data: unknown): unknown;
}
