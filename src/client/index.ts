/**
 * `sidecar/client`: connect to a sidecar server from a browser page or from Node.
 *
 * @example
 * import { connect } from 'sidecar/client';
 * const client = connect({ url: 'ws://127.0.0.1:3001/ws', token: process.env.SIDECAR_TOKEN });
 * client.subscribe('git', (m) => console.log(m));
 *
 * @packageDocumentation
 */
export * from '../protocol/index.js';
export { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF, normalizeBackoff } from './backoff.js';
export { connect } from './client.js';
export { isSidecarClientError, SidecarClientError } from './errors.js';
export {
  type AiState,
  type AiStreamView,
  type DiagnosticsState,
  type FileChange,
  type FilesState,
  type GitActivity,
  type GitState,
  isLiveChannel,
  LIVE_CHANNELS,
  LIVE_LIMITS,
  type LiveChannel,
  type LiveDiagnostic,
  type LiveState,
  type LiveStateMap,
  type LiveStore,
  type ValidationState,
  type ValidationToolState,
} from './live/types.js';
export type {
  ChannelHandler,
  ChannelHandlers,
  ChannelMessage,
  ClientEventMap,
  ClientEventName,
  ConnectionState,
  ConnectOptions,
  GapInfo,
  ProvideContext,
  ProvideHandler,
  ProvideOptions,
  Provision,
  RequestArgs,
  RequestOptions,
  SidecarClient,
  StateChange,
  WebSocketConstructor,
  WebSocketLike,
} from './types.js';
