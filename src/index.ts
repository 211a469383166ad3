/** The programmatic API: create a sidecar in-process, or attach one to your own http.Server. */
export { createSidecar, startSidecar, type Sidecar } from './server/sidecar.js';
export type { SidecarOptions, ResolvedOptions } from './server/options.js';
export { OptionsError } from './server/options.js';
export type { EventBroadcaster } from './server/broadcaster.js';
export { defineMethod, noParams, type MethodDefinition, type MethodCaller } from './server/methods.js';
export { SidecarError } from './server/errors.js';
export type { Source, SourceContext, SourceEvent } from './sources/source.js';
export { createFilesSource } from './sources/files/index.js';
export { readDiscovery, defaultDiscoveryDir, type DiscoveryRecord } from './server/discovery.js';
export * from './protocol.js';
export { VERSION } from './version.js';
