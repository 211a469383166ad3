/**
 * The messages themselves: what a client sends (subscribe, unsubscribe, request, publish, ping),
 * what the server sends (welcome, event, snapshot, response, error, ping, pong), the results of
 * the built-in message types, and the body of `POST /publish`.
 */

import type { Channel } from './channels.js';
import type { ErrorBody } from './errors.js';
import type { EventData } from './events.js';
import type {
  CancelMessage,
  ProvideMessage,
  ProviderResponseMessage,
  RoutedRequestMessage,
  UnprovideMessage,
} from './providers.js';
import type { PROTOCOL_VERSION } from './version.js';

// ---------------------------------------------------------------------------------------------
// Client → server messages

/** Where a reconnecting client left off: the last `seq` it saw per channel, in one epoch. */
export interface ResumePoint {
  epoch: string;
  seq: Record<string, number>;
}

export interface SubscribeMessage {
  type: 'subscribe';
  id?: string;
  channels?: string[];
  channel?: string;
  since?: ResumePoint;
}
export interface UnsubscribeMessage {
  type: 'unsubscribe';
  id?: string;
  channels?: string[];
  channel?: string;
}
export interface RequestMessage {
  type: 'request';
  id: string;
  method: string;
  params?: unknown;
}
export interface PublishMessage {
  type: 'publish';
  id?: string;
  channel: string;
  event: string;
  data?: unknown;
}
export interface PingMessage {
  type: 'ping';
  id?: string;
  timestamp?: number;
}
export interface PongMessage {
  type: 'pong';
  id?: string;
  timestamp?: number;
}
export type ClientMessage =
  | SubscribeMessage
  | UnsubscribeMessage
  | RequestMessage
  | PublishMessage
  | PingMessage
  | PongMessage
  | ProvideMessage
  | UnprovideMessage
  | ProviderResponseMessage
  | CancelMessage;

// ---------------------------------------------------------------------------------------------
// Server → client messages

export interface WelcomeMessage {
  type: 'welcome';
  clientId: string;
  protocol: typeof PROTOCOL_VERSION;
  epoch: string;
  server: { name: string; version: string };
  channels: Channel[];
  methods: string[];
  heartbeatMs: number;
  timestamp: number;
}
export interface EventMessage<C extends Channel = Channel, E extends string = string> {
  type: 'event';
  channel: C;
  event: E;
  data: EventData<C, E>;
  seq: number;
  timestamp: number;
}
export interface SnapshotMessage<C extends Channel = Channel> {
  type: 'snapshot';
  channel: C;
  data: unknown;
  seq: number;
  timestamp: number;
}
export interface ResponseMessage<R = unknown> {
  type: 'response';
  id: string;
  result?: R;
  error?: ErrorBody;
}
export interface ErrorMessage extends ErrorBody {
  type: 'error';
}
export type ServerMessage =
  | WelcomeMessage
  | EventMessage
  | SnapshotMessage
  | ResponseMessage
  | ErrorMessage
  | PingMessage
  | PongMessage
  | RoutedRequestMessage
  | CancelMessage;

/** The result of a `subscribe` that carried an `id`. */
export interface SubscribeResult {
  channels: Channel[];
  /** How many held events were replayed per channel. */
  replayed: Record<string, number>;
  /** Channels whose missed events could not all be replayed. */
  gaps: Channel[];
  /** Each channel's latest `seq` when the subscription took effect (a sidecar addition). */
  seq: Record<string, number>;
}
export interface UnsubscribeResult {
  channels: Channel[];
}
export interface PublishResult {
  channel: Channel;
  seq: number;
}

/** The body of `POST /publish`. */
export interface PublishRequestBody {
  channel: string;
  event: string;
  data?: unknown;
}
