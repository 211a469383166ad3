/** Every built-in channel's events and the `data` each carries. */

import type { BuiltinChannel, Channel } from './channels.js';
import type { AiChunkData, AiDoneData, AiErrorData } from './payloads/ai.js';
import type { DiagnosticsActivityData, DiagnosticsUpdatedData } from './payloads/diagnostics.js';
import type { EditorState } from './payloads/editor.js';
import type { FileEventData, FilesBatchData, FilesReadyData } from './payloads/files.js';
import type { GitBranchData, GitCommitData, GitStatus } from './payloads/git.js';
import type { SearchDoneData, SearchProgressData, SearchResultsData } from './payloads/search.js';
import type {
  SourceStateData,
  SystemConnectedData,
  SystemProviderData,
  SystemShutdownData,
} from './payloads/system.js';
import type { ValidationCompleteData, ValidationStartedData } from './payloads/validation.js';

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
  editor: { state: EditorState };
  git: { status: GitStatus; branch: GitBranchData; commit: GitCommitData };
  search: { progress: SearchProgressData; results: SearchResultsData; done: SearchDoneData };
  validation: { started: ValidationStartedData; complete: ValidationCompleteData };
  'ai-response': { chunk: AiChunkData; done: AiDoneData; error: AiErrorData };
  system: {
    connected: SystemConnectedData;
    disconnected: SystemConnectedData;
    shutdown: SystemShutdownData;
    source: SourceStateData;
    diagnostics: DiagnosticsActivityData;
    'provider.added': SystemProviderData;
    'provider.removed': SystemProviderData;
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
