/** The programmatic API: create a sidecar in-process, or attach one to your own http.Server. */

export * from './protocol.js';
export type { EventBroadcaster } from './server/broadcaster.js';
export { type DiscoveryRecord, defaultDiscoveryDir, readDiscovery } from './server/discovery.js';
export { SidecarError } from './server/errors.js';
export {
  defineMethod,
  type MethodCaller,
  type MethodDefinition,
  noParams,
} from './server/methods.js';
export type { LspServerConfig, ResolvedOptions, SidecarOptions } from './server/options.js';
export { OptionsError } from './server/options.js';
export { createSidecar, type Sidecar, startSidecar } from './server/sidecar.js';
export { createAiSource, resolveAiOptions } from './sources/ai/index.js';
export {
  createDiagnosticsSource,
  type DiagnosticsSource,
  type DiagnosticsSourceOptions,
} from './sources/diagnostics/index.js';
export { createFilesSource } from './sources/files/index.js';
export { createGitSource, type GitSourceOptions } from './sources/git/index.js';
export {
  createSearchSource,
  type SearchSource,
  type SearchSourceOptions,
} from './sources/search/index.js';
export type { Source, SourceContext, SourceEvent } from './sources/source.js';
export {
  createValidationSource,
  type ResolvedValidationOptions,
  resolveValidationOptions,
  type ValidationSettings,
} from './sources/validation/index.js';
export { VERSION } from './version.js';
