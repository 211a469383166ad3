/**
 * What the MCP tools need of a sidecar, in one small interface: call a method, follow a
 * channel, catch up on a channel. Implemented in-process (the sidecar serving `/mcp`) and over
 * a client connection (`sidecar mcp` talking to a running sidecar), so each tool is written once.
 */
import type {
  Channel,
  MethodName,
  MethodParams,
  MethodResult,
  ServerInfo,
} from '../protocol/index.js';

/** One event of a channel, as the tools see it. */
export interface ChannelEvent {
  event: string;
  data: unknown;
  seq: number;
}

/** A position in a channel: the resume point of the protocol, for one channel. */
export interface ChannelPoint {
  epoch: string;
  seq: number;
}

/** What a subscriber resuming from `since` would be sent. */
export interface CatchUp {
  /** The sidecar's epoch now. */
  epoch: string;
  /** The channel's latest seq now. */
  latestSeq: number;
  /** Held events after the point (all held events of this epoch when the epoch changed). */
  events: ChannelEvent[];
  /** True when some events after the point are no longer held (or were in another epoch). */
  gap: boolean;
  /** State channels: the current state, when asked without a point or after a gap. */
  snapshot?: unknown;
}

export interface CallOptions {
  /** Stops waiting for the answer (the MCP request was cancelled). */
  signal?: AbortSignal;
  /** How long the answer may take over a connection; a method's own timeout still applies. */
  timeoutMs?: number;
}

export interface SidecarBackend {
  /** The workspace root the sidecar serves. */
  readonly root: string;
  /** Calls a protocol method; rejects with an error carrying the protocol's code. */
  call<M extends MethodName>(
    method: M,
    params: MethodParams<M>,
    options?: CallOptions,
  ): Promise<MethodResult<M>>;
  /**
   * Follows a channel's live events until the returned function is called. Resolves once
   * the subscription is in effect, so an action started after it cannot outrun its events.
   */
  follow(channel: Channel, listener: (event: ChannelEvent) => void): Promise<() => void>;
  /** The events after `since` (or the snapshot of a state channel when `since` is absent). */
  catchUp(channel: Channel, since?: ChannelPoint): Promise<CatchUp>;
  info(): Promise<ServerInfo>;
}
