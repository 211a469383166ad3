/**
 * The sidecar wire protocol, version 1: every message, channel, event and error code that
 * crosses the WebSocket. Imported by the server, the client library and the dashboard, so it
 * must stay free of Node imports.
 */

import type {
  AiChunkData,
  AiDoneData,
  AiErrorData,
  DiagnosticsSnapshot,
  DiagnosticsUpdatedData,
  GitBranchData,
  GitCommitData,
  GitStatus,
  SearchDoneData,
  SearchProgressData,
  SearchResultsData,
  ValidationCompleteData,
  ValidationStartedData,
} from './channel-payloads.js';

export type * from './channel-payloads.js';

export const PROTOCOL_VERSION = 1 as const;

// ---------------------------------------------------------------------------------------------
// Channels

export const BUILTIN_CHANNELS = [
  'files',
  'diagnostics',
  'ai-response',
  'search',
  'validation',
  'git',
  'system',
] as const;
export type BuiltinChannel = (typeof BUILTIN_CHANNELS)[number];

/** Producers may create their own channels, named `custom:<name>`. */
export type CustomChannel = `custom:${string}`;
export type Channel = BuiltinChannel | CustomChannel;

/** Channels that hold current state: a fresh subscriber gets a `snapshot` first. */
export const STATE_CHANNELS = ['git', 'diagnostics', 'validation'] as const;
export type StateChannel = (typeof STATE_CHANNELS)[number];

export const CUSTOM_CHANNEL_PATTERN = /^custom:[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function isBuiltinChannel(name: string): name is BuiltinChannel {
  return (BUILTIN_CHANNELS as readonly string[]).includes(name);
}

export function isCustomChannel(name: string): name is CustomChannel {
  return CUSTOM_CHANNEL_PATTERN.test(name);
}

export function isChannel(name: string): name is Channel {
  return isBuiltinChannel(name) || isCustomChannel(name);
}

export function isStateChannel(name: string): name is StateChannel {
  return (STATE_CHANNELS as readonly string[]).includes(name);
}

/** Clients may publish only on `ai-response` and on custom channels. */
export function isPublishableChannel(name: string): boolean {
  return name === 'ai-response' || isCustomChannel(name);
}

/**
 * How deeply a published event's `data` may nest arrays and objects (`{"a":[1]}` is 2 levels).
 * Deeper data is refused with INVALID_PARAMS before it gets a seq.
 */
export const MAX_PUBLISH_DEPTH = 128;

// ---------------------------------------------------------------------------------------------
// Error and close codes

export const ERROR_CODES = [
  'INVALID_MESSAGE',
  'UNKNOWN_CHANNEL',
  'UNKNOWN_METHOD',
  'INVALID_PARAMS',
  'HANDLER_ERROR',
  'TIMEOUT',
  'RATE_LIMITED',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'PAYLOAD_TOO_LARGE',
  'UNAVAILABLE',
  'CONNECTION_CLOSED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const CLOSE_CODES = {
  /** Normal closure, e.g. the client called `close()`. */
  NORMAL: 1000,
  /** The server is shutting down. */
  GOING_AWAY: 1001,
  /** A frame broke the WebSocket protocol (reserved bits, bad opcode, unmasked, ...). */
  PROTOCOL_ERROR: 1002,
  /** A text frame that is not valid UTF-8. */
  INVALID_PAYLOAD: 1007,
  /** Sustained flooding well past the rate limit. */
  POLICY_VIOLATION: 1008,
  /** An inbound frame larger than the maximum payload. */
  MESSAGE_TOO_BIG: 1009,
  /** The client did not read fast enough; reconnect and resume with `since`. */
  SLOW_CONSUMER: 4008,
} as const;

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// Channel payloads

export const FILE_EVENTS = ['add', 'change', 'unlink', 'addDir', 'unlinkDir'] as const;
export type FileEventKind = (typeof FILE_EVENTS)[number];

export interface FileEventData {
  /** Relative to the workspace root, `/`-separated. */
  file: string;
  event: FileEventKind;
}
export interface FilesBatchData {
  events: FileEventData[];
  count: number;
}
export interface FilesReadyData {
  files: number;
  durationMs: number;
}

export const AI_EVENTS = ['chunk', 'done', 'error'] as const;
export type AiEventKind = (typeof AI_EVENTS)[number];

export type SourceState = 'starting' | 'running' | 'stopped' | 'unavailable' | 'failed' | 'error';
export interface SourceStateData {
  name: string;
  /** The channel the source feeds, so a panel can tell why a channel is quiet (a sidecar addition). */
  channel?: Channel;
  state: SourceState;
  message?: string;
}
export interface SystemConnectedData {
  clientId: string;
  clients: number;
}
export interface SystemShutdownData {
  reason: string;
}

/** Every channel's events and the `data` each carries. */
export interface ChannelEventMap {
  files: {
    add: FileEventData;
    change: FileEventData;
    unlink: FileEventData;
    addDir: FileEventData;
    unlinkDir: FileEventData;
    batch: FilesBatchData;
    ready: FilesReadyData;
  };
  diagnostics: { updated: DiagnosticsUpdatedData };
  git: { status: GitStatus; branch: GitBranchData; commit: GitCommitData };
  search: { progress: SearchProgressData; results: SearchResultsData; done: SearchDoneData };
  validation: { started: ValidationStartedData; complete: ValidationCompleteData };
  'ai-response': { chunk: AiChunkData; done: AiDoneData; error: AiErrorData };
  system: {
    connected: SystemConnectedData;
    disconnected: SystemConnectedData;
    shutdown: SystemShutdownData;
    source: SourceStateData;
  };
}

export type EventName<C extends Channel> = C extends BuiltinChannel
  ? Extract<keyof ChannelEventMap[C], string>
  : string;
export type EventData<C extends Channel, E extends string> = C extends BuiltinChannel
  ? E extends keyof ChannelEventMap[C]
    ? ChannelEventMap[C][E]
    : unknown
  : unknown;

// ---------------------------------------------------------------------------------------------
// Methods

export interface ServerInfo {
  name: string;
  version: string;
  root: string;
  epoch: string;
  protocol: typeof PROTOCOL_VERSION;
  channels: Channel[];
  methods: string[];
  sources: SourceStateData[];
  clients: number;
}

/** Every method of the protocol, its params and its result. */
export interface MethodMap {
  'server.info': { params: Record<string, never> | undefined; result: ServerInfo };
  'diagnostics.get': { params: { file?: string } | undefined; result: DiagnosticsSnapshot };
  'git.status': { params: Record<string, never> | undefined; result: GitStatus };
  'git.log': {
    params: { limit?: number } | undefined;
    result: { sha: string; subject: string; author: string; date: string }[];
  };
  'git.diff': {
    params: { file?: string; staged?: boolean } | undefined;
    result: { diff: string; truncated?: boolean };
  };
  'search.start': {
    params: {
      query: string;
      regex?: boolean;
      caseSensitive?: boolean;
      wholeWord?: boolean;
      include?: string[];
      exclude?: string[];
      maxResults?: number;
      contextLines?: number;
    };
    result: { searchId: string };
  };
  'search.cancel': { params: { searchId: string }; result: { cancelled: boolean } };
  'validation.run': {
    params: { tool?: string } | undefined;
    /** `runId`: the (first) run started; `runs`: every run started, one per validator. */
    result: { runId: string; runs: { tool: string; runId: string }[] };
  };
  'ai.chat': { params: AiChatParams; result: { id: string } };
  'ai.cancel': { params: { id: string }; result: { cancelled: boolean } };
  'ai.get': { params: { id: string }; result: AiStreamState };
  'ai.models': { params: { provider?: string } | undefined; result: AiModelsResult };
}

export interface AiChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}
export interface AiChatParams {
  /** A configured provider's name; the default provider when left out. */
  provider?: string;
  /** The provider's default model when left out. */
  model?: string;
  messages: AiChatMessage[];
  system?: string;
  maxTokens?: number;
  temperature?: number;
}
/** What `ai.get` knows of a stream: enough for a late panel to catch up without a gap. */
export interface AiStreamState {
  id: string;
  /** Every chunk's text so far, in order. */
  text: string;
  /** The index of the last event taken into `text`; -1 before the first. */
  lastIndex: number;
  finished: boolean;
  /** The `ai-response` seq of the stream's last event, 0 before the first. */
  seq: number;
  /** True when `text` stopped growing at the sidecar's size limit (live chunks still flow). */
  truncated: boolean;
  /** The data of the `done` or `error` event that ended the stream. */
  end?: { event: 'done' | 'error'; data: AiDoneData | AiErrorData };
}
export type AiProviderType = 'openai-compatible' | 'anthropic';
export interface AiProviderInfo {
  name: string;
  type: AiProviderType;
  /** Without credentials or query string. */
  baseUrl: string;
  models: string[];
  defaultModel: string | null;
  isDefault: boolean;
  /** Whether an API key is configured (never the key itself). */
  hasKey: boolean;
}
export interface AiModelsResult {
  default: string | null;
  providers: AiProviderInfo[];
}
export type MethodName = keyof MethodMap;
export type MethodParams<M extends string> = M extends MethodName
  ? MethodMap[M]['params']
  : unknown;
export type MethodResult<M extends string> = M extends MethodName
  ? MethodMap[M]['result']
  : unknown;

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
  | PongMessage;

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
  | PongMessage;

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
