/** The programmatic API: create a sidecar in-process, or attach one to your own http.Server. */

export type { LspServerConfig, ResolvedOptions, SidecarOptions } from './app/options.js';
export { OptionsError } from './app/options.js';
export { createSidecar, type Sidecar, startSidecar } from './app/sidecar.js';
export { SidecarError } from './core/errors.js';
export {
  defineMethod,
  type MethodCaller,
  type MethodDefinition,
  noParams,
} from './core/methods.js';
export type { Source, SourceContext, SourceEvent } from './core/source.js';
export { VERSION } from './core/version.js';
export * from './protocol/index.js';
export type { EventBroadcaster } from './server/broadcaster.js';
export { type DiscoveryRecord, defaultDiscoveryDir, readDiscovery } from './server/discovery.js';
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
export {
  createValidationSource,
  type ResolvedValidationOptions,
  resolveValidationOptions,
  type ValidationSettings,
} from './sources/validation/index.js';
