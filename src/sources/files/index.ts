export { type FilesSettings, filesSettingsSchema } from './files-settings.js';
export { createFilesSource, type FilesSourceOptions } from './files-source.js';
export type {
  WatchEngine,
  WatchEngineFactory,
  WatchEngineOptions,
  WatchProblem,
} from './watch-engine.js';
