/**
 * What a search engine is to the `search` source: it takes one search, streams its results
 * and says how it ended. The source does the rest (ids, limits, batching, events), so both
 * engines are interchangeable.
 */

import type { SearchEngineName } from '../../protocol/index.js';
import type { EncodedMatch } from './match-json.js';
import type { QueryPlan } from './query-plan.js';

export interface EngineRequest {
  /** Absolute workspace root. */
  root: string;
  plan: QueryPlan;
  include: readonly string[];
  exclude: readonly string[];
  contextLines: number;
  /** Files larger than this many bytes are not searched. */
  maxFileSize: number;
  /** The engine may stop once it has found this many results (the source counts exactly). */
  enoughResults: number;
  /** How many files this search looks into, when already known: no need to count them. */
  knownFileCount?: number | undefined;
}

export interface EngineCallbacks {
  /** Results as JSON, in file order within each file; files in any order. */
  onResults(results: EncodedMatch[]): void;
  /** Something odd the engine skipped over, for the log. */
  onWarning?(message: string): void;
}

export interface EngineOutcome {
  /** Files the engine looked into (binary files included, files over the size cap not). */
  filesSearched: number;
  /** Whether `filesSearched` is the whole count, worth remembering for the same globs. */
  countedAll?: boolean;
  /** Set when the engine failed rather than finished. */
  error?: string;
}

export interface EngineRun {
  /** Settles once the engine is done and its process or thread is gone; never rejects. */
  readonly finished: Promise<EngineOutcome>;
  /** Stops the search now (kills the child, terminates the worker). */
  stop(): void;
  /** The ripgrep child's pid, while it runs. */
  readonly pid?: number | undefined;
}

export interface SearchEngine {
  readonly name: SearchEngineName;
  start(request: EngineRequest, callbacks: EngineCallbacks): EngineRun;
  /** Releases what the engine keeps between searches (warm worker threads). */
  close?(): Promise<void>;
  /** An engine that picks another for each search (`auto`, by size) says which here. */
  forSearch?(): SearchEngine;
  /** How many files the workspace holds, as last learned (the files source, a whole search). */
  noteWorkspaceFiles?(count: number): void;
  /** Gets ready for a search soon (ripgrep: starts the process that starts rg). */
  warmUp?(): void;
}
