/**
 * The sidecar wire protocol, version 1: every message, channel, event and error code that
 * crosses the WebSocket. Imported by the server, the client library and the dashboard, so no
 * file under `protocol/` may import Node or any package. Type-only files are re-exported with
 * `export type`, so the browser loads only the files that hold runtime values.
 */

export * from './channels.js';
export * from './errors.js';
export type * from './events.js';
export type * from './messages.js';
export type * from './methods.js';
export * from './payloads/ai.js';
export type * from './payloads/diagnostics.js';
export * from './payloads/editor.js';
export * from './payloads/files.js';
export type * from './payloads/git.js';
export type * from './payloads/search.js';
export type * from './payloads/system.js';
export type * from './payloads/validation.js';
export * from './providers.js';
export * from './version.js';
