/**
 * The live state of a channel, as `client.watch()` and `client.live()` hand it out: the fold of
 * the channel's snapshot and events into what a panel shows. Every value is immutable: a change
 * makes a new top-level object, so `===` tells whether anything changed.
 */
import type {
  AiDoneData,
  AiErrorData,
  Diagnostic,
  DiagnosticsSummary,
  FileEventKind,
  FilesReadyData,
  GitBranchData,
  GitCommitData,
  GitStatus,
  ValidationCompleteData,
} from '../../protocol/index.js';

/** The channels with a live state. */
export const LIVE_CHANNELS = ['diagnostics', 'git', 'validation', 'files', 'ai-response'] as const;
export type LiveChannel = (typeof LIVE_CHANNELS)[number];

export function isLiveChannel(name: string): name is LiveChannel {
  return (LIVE_CHANNELS as readonly string[]).includes(name);
}

/** How many entries the bounded states keep: the newest win. */
export const LIVE_LIMITS = { fileChanges: 200, gitActivity: 20, aiStreams: 20 } as const;

/** One diagnostic with the language server that reported it. */
export interface LiveDiagnostic extends Diagnostic {
  server: string;
}

export interface DiagnosticsState {
  /** False until the first snapshot arrived. */
  ready: boolean;
  /** File (root-relative) → its diagnostics from every server, by line; only files with some. */
  files: ReadonlyMap<string, readonly LiveDiagnostic[]>;
  /** The workspace totals, as the server counts them. */
  summary: Readonly<DiagnosticsSummary>;
}

export type GitActivity =
  | { event: 'branch'; data: GitBranchData; timestamp: number; seq: number }
  | { event: 'commit'; data: GitCommitData; timestamp: number; seq: number };

export interface GitState {
  ready: boolean;
  /** The repository's status; null outside a repository (or before the first snapshot). */
  status: GitStatus | null;
  /** Branch switches and commits seen since watching, newest first (at most `LIVE_LIMITS.gitActivity`). */
  activity: readonly GitActivity[];
}

export interface ValidationToolState {
  tool: string;
  /** The last run with a verdict (cancelled runs are none). */
  latest: ValidationCompleteData | null;
  /** The run in progress; `trigger` and `since` are known for runs seen starting. */
  running: { runId: string; trigger?: string; since?: number } | null;
  /** Why the tool cannot run, or null. */
  unavailable: string | null;
}

export interface ValidationState {
  ready: boolean;
  /** By tool name, sorted. */
  tools: ReadonlyMap<string, ValidationToolState>;
}

export interface FileChange {
  file: string;
  event: FileEventKind;
  timestamp: number;
  seq: number;
}

export interface FilesState {
  /** The first scan's result, once it is done. */
  scanned: FilesReadyData | null;
  /** Changes seen since watching, newest first (at most `LIVE_LIMITS.fileChanges`). */
  changes: readonly FileChange[];
  /** How many times events may have been missed (the server no longer held them, or restarted). */
  gaps: number;
}

export interface AiStreamView {
  id: string;
  /** Every chunk's text so far, in order. */
  text: string;
  /** `catching-up`: joined mid-stream, fetching the earlier text with `ai.get`. */
  state: 'streaming' | 'catching-up' | 'done' | 'error';
  /** The data of the `done` or `error` event that ended the stream. */
  end: AiDoneData | AiErrorData | null;
  /** Some text is missing: earlier text could not be fetched, or chunks were skipped. */
  incomplete: boolean;
  /** Why text is missing, when known. */
  note: string | null;
}

export interface AiState {
  /** Streams in the order they started, oldest first (at most `LIVE_LIMITS.aiStreams`). */
  streams: ReadonlyMap<string, AiStreamView>;
}

/** The live state of each channel. */
export interface LiveStateMap {
  diagnostics: DiagnosticsState;
  git: GitState;
  validation: ValidationState;
  files: FilesState;
  'ai-response': AiState;
}
export type LiveState<C extends LiveChannel> = LiveStateMap[C];

/**
 * A channel's live state as an external store (the shape React's `useSyncExternalStore` takes).
 * `get()` returns the same object until the state changes.
 */
export interface LiveStore<C extends LiveChannel> {
  get(): LiveState<C>;
  /** Follows the channel while subscribed; `onChange` runs after every change. */
  subscribe(onChange: () => void): () => void;
}
