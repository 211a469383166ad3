/** Every method a client may call with a `request`, its params and its result. */

import type { Channel } from './channels.js';
import type { AiChatParams, AiModelsResult, AiStreamState } from './payloads/ai.js';
import type {
  DiagnosticsSnapshot,
  DiagnosticsWaitParams,
  DiagnosticsWaitResult,
} from './payloads/diagnostics.js';
import type { EditorOpenParams, EditorOpenResult } from './payloads/editor.js';
import type { GitStatus } from './payloads/git.js';
import type { SourceStateData } from './payloads/system.js';
import type { ProviderInfo } from './providers.js';
import type { PROTOCOL_VERSION } from './version.js';

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
  /** Methods provided by connected clients, and by whom. */
  providers: ProviderInfo[];
}

/** Every method of the protocol, its params and its result. */
export interface MethodMap {
  'server.info': { params: Record<string, never> | undefined; result: ServerInfo };
  'diagnostics.get': { params: { file?: string } | undefined; result: DiagnosticsSnapshot };
  'diagnostics.wait': { params: DiagnosticsWaitParams | undefined; result: DiagnosticsWaitResult };
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
  'editor.open': { params: EditorOpenParams; result: EditorOpenResult };
  'server.pair': { params: { origin: string }; result: { origin: string; allowed: true } };
  'ai.models': { params: { provider?: string } | undefined; result: AiModelsResult };
}
export type MethodName = keyof MethodMap;
export type MethodParams<M extends string> = M extends MethodName
  ? MethodMap[M]['params']
  : unknown;
export type MethodResult<M extends string> = M extends MethodName
  ? MethodMap[M]['result']
  : unknown;
