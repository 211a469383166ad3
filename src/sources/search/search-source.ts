/**
 * The `search` source: `search.start` answers `{ searchId }` at once, then the search streams on
 * the `search` channel: `progress` (at the start and every half second), `results` in batches,
 * and exactly one `done`. `search.cancel` stops it; so does its client disconnecting.
 */

import { randomUUID } from 'node:crypto';
import { SidecarError } from '../../core/errors.js';
import { defineMethod } from '../../core/methods.js';
import type { Source, SourceContext } from '../../core/source.js';
import type {
  EventData,
  EventName,
  FilesReadyData,
  SearchDoneData,
  SearchEngineName,
  SearchProgressData,
} from '../../protocol/index.js';
import type { EngineOutcome, EngineRun, SearchEngine } from './engine.js';
import { type EngineChoice, selectEngine } from './engine-select.js';
import { createFileCountCache, fileCountKey } from './file-count-cache.js';
import { type EncodedMatch, encodeResults } from './match-json.js';
import { planQuery } from './query-plan.js';
import { createResultBatcher, type ResultBatcher } from './result-batcher.js';
import { type SearchStartParams, searchCancelParams, searchStartParams } from './search-params.js';

export interface SearchSourceOptions {
  /**
   * `auto` (default): ripgrep when it can run, else built-in; and built-in for workspaces of at
   * most `builtinUpTo` files.
   */
  engine?: EngineChoice;
  /** Under `auto`, workspaces of at most this many files use the built-in engine (0: never). */
  builtinUpTo?: number;
  /** Path to `rg` (or a command name looked up on PATH); default `rg`. */
  ripgrepPath?: string;
  /** Results a search returns when the request gives no `maxResults`. */
  maxResults?: number;
  /** Files larger than this many bytes are not searched. */
  maxFileSize?: number;
  /** Searches one client may run at once; more answer RATE_LIMITED. */
  maxConcurrentPerClient?: number;
  /** Worker threads per built-in search. */
  builtinWorkers?: number;
  /** The PATH to look for `rg` in (tests hide rg with it); default the process's. */
  pathEnv?: string;
}

export const SEARCH_DEFAULTS = Object.freeze({
  engine: 'auto' as EngineChoice,
  maxResults: 2000,
  maxFileSize: 16 * 1024 * 1024,
  maxConcurrentPerClient: 3,
});

/** Searches the whole server runs at once, whoever asks. */
const MAX_CONCURRENT_SEARCHES = 16;
const PROGRESS_INTERVAL_MS = 500;

export interface RunningSearch {
  searchId: string;
  clientId: string;
  engine: SearchEngineName;
  /** The ripgrep child's pid, while it runs. */
  pid: number | undefined;
}

export interface SearchSource extends Source<'search'> {
  /** The searches in flight (for tests and diagnostics). */
  running(): RunningSearch[];
}

interface ActiveSearch {
  searchId: string;
  clientId: string;
  query: string;
  maxResults: number;
  startedAt: number;
  count: number;
  truncated: boolean;
  cancelled: boolean;
  run: EngineRun | null;
  batcher: ResultBatcher;
  progressTimer: NodeJS.Timeout | null;
  engine: SearchEngineName;
  /** Settles once `done` is sent. */
  finished: Promise<void>;
  markFinished: () => void;
}

export function createSearchSource(options: SearchSourceOptions = {}): SearchSource {
  const maxResultsDefault = options.maxResults ?? SEARCH_DEFAULTS.maxResults;
  const maxFileSize = options.maxFileSize ?? SEARCH_DEFAULTS.maxFileSize;
  const perClient = options.maxConcurrentPerClient ?? SEARCH_DEFAULTS.maxConcurrentPerClient;
  let ctx: SourceContext<'search'> | null = null;
  let engine: SearchEngine | null = null;
  let unavailableReason = 'the search source is not running';
  let stopListening: (() => void)[] = [];
  const searches = new Map<string, ActiveSearch>();
  const fileCounts = createFileCountCache();
  let workspaceFiles: number | undefined;

  /** What the engine (`auto`: by size) learns of the workspace's size, kept until it exists. */
  function noteWorkspaceFiles(count: number): void {
    workspaceFiles = count;
    engine?.noteWorkspaceFiles?.(count);
  }

  function emitSafely<E extends EventName<'search'>>(event: E, data: EventData<'search', E>): void {
    sendSafely(event, () => ctx?.emit(event, data));
  }

  /** A search's events must not throw into the engine that produced them. */
  function sendSafely(event: string, send: () => void): void {
    try {
      send();
    } catch (error) {
      ctx?.log.error(`search: could not emit ${event}`, error);
    }
  }

  function emitProgress(search: ActiveSearch): void {
    const data: SearchProgressData = {
      searchId: search.searchId,
      query: search.query,
      engine: search.engine,
      count: search.count,
      durationMs: Math.round(performance.now() - search.startedAt),
    };
    emitSafely('progress', data);
  }

  function acceptResults(search: ActiveSearch, results: EncodedMatch[]): void {
    if (search.truncated || search.cancelled) return;
    const room = search.maxResults - search.count;
    const taken = results.length > room ? results.slice(0, room) : results;
    search.count += taken.length;
    search.batcher.push(taken);
    if (results.length > room) {
      search.truncated = true; // one more than allowed exists: stop here
      search.run?.stop();
    }
  }

  function finish(search: ActiveSearch, outcome: EngineOutcome): void {
    if (searches.get(search.searchId) !== search) return; // exactly one done
    if (search.progressTimer) clearInterval(search.progressTimer);
    search.batcher.flush();
    searches.delete(search.searchId);
    const done: SearchDoneData = {
      searchId: search.searchId,
      query: search.query,
      count: search.count,
      filesSearched: outcome.filesSearched,
      durationMs: Math.round(performance.now() - search.startedAt),
      truncated: search.truncated,
      cancelled: search.cancelled,
      engine: search.engine,
    };
    if (outcome.error && !search.cancelled && !search.truncated) {
      done.error = outcome.error;
      ctx?.log.warn(`search ${search.searchId} failed: ${outcome.error}`);
    }
    emitSafely('done', done);
    search.markFinished();
  }

  function begin(search: ActiveSearch, params: SearchStartParams, current: SearchEngine): void {
    if (search.cancelled) {
      finish(search, { filesSearched: 0 });
      return;
    }
    emitProgress(search);
    search.progressTimer = setInterval(() => emitProgress(search), PROGRESS_INTERVAL_MS);
    search.progressTimer.unref();
    const countKey = fileCountKey(params.include, params.exclude);
    const countGeneration = fileCounts.generation();
    const run = current.start(
      {
        root: ctx!.root,
        plan: planQuery(params),
        include: params.include,
        exclude: params.exclude,
        contextLines: params.contextLines,
        maxFileSize,
        enoughResults: search.maxResults + 1,
        knownFileCount: fileCounts.get(countKey),
      },
      {
        onResults: (results) => acceptResults(search, results),
        onWarning: (message) => ctx?.log.warn(`search ${search.searchId}: ${message}`),
      },
    );
    search.run = run;
    void run.finished.then((outcome) => {
      if (outcome.countedAll) fileCounts.set(countKey, countGeneration, outcome.filesSearched);
      const whole = params.include.length === 0 && params.exclude.length === 0;
      if (whole && !search.truncated && !search.cancelled && !outcome.error) {
        noteWorkspaceFiles(outcome.filesSearched);
      }
      finish(search, outcome);
    });
  }

  function startSearch(params: SearchStartParams, clientId: string): { searchId: string } {
    const current = engine?.forSearch?.() ?? engine;
    if (!ctx || !current) throw new SidecarError('UNAVAILABLE', unavailableReason);
    const mine = [...searches.values()].filter((search) => search.clientId === clientId).length;
    if (mine >= perClient) {
      throw new SidecarError(
        'RATE_LIMITED',
        `too many searches at once: at most ${perClient} per client; cancel one or wait for its done`,
        { limit: perClient, running: mine },
      );
    }
    if (searches.size >= MAX_CONCURRENT_SEARCHES) {
      throw new SidecarError(
        'RATE_LIMITED',
        `the server is running ${searches.size} searches, its limit; try again shortly`,
        { limit: MAX_CONCURRENT_SEARCHES },
      );
    }
    const searchId = randomUUID();
    let markFinished = () => {};
    const finished = new Promise<void>((resolve) => {
      markFinished = resolve;
    });
    const search: ActiveSearch = {
      searchId,
      clientId,
      query: params.query,
      maxResults: params.maxResults ?? maxResultsDefault,
      startedAt: performance.now(),
      count: 0,
      truncated: false,
      cancelled: false,
      run: null,
      progressTimer: null,
      engine: current.name,
      finished,
      markFinished,
      batcher: createResultBatcher({
        emit: (results) =>
          sendSafely('results', () =>
            ctx?.emitJson('results', encodeResults(searchId, params.query, results)),
          ),
      }),
    };
    searches.set(searchId, search);
    // Start after the response: a client learns its searchId before the first event for it.
    setImmediate(() => {
      try {
        begin(search, params, current);
      } catch (error) {
        search.run?.stop();
        finish(search, { filesSearched: 0, error: (error as Error).message });
      }
    });
    return { searchId };
  }

  function cancelSearch(searchId: string): boolean {
    const search = searches.get(searchId);
    if (!search || search.cancelled || search.truncated) return false;
    search.cancelled = true;
    search.run?.stop();
    return true;
  }

  return {
    name: 'search',
    channel: 'search',
    async start(context) {
      ctx = context;
      stopListening = [
        context.onEvent('system', (event) => {
          if (event.event === 'source') {
            // File counts hold only while the files source reports every change.
            const { name, state } = event.data as { name?: string; state?: string };
            if (name === 'files') fileCounts.setWatching(state === 'running');
          }
        }),
        // A search outlives its `search.start`: it ends when its client goes.
        context.onClientGone((clientId) => {
          for (const search of searches.values()) {
            if (search.clientId === clientId) cancelSearch(search.searchId);
          }
        }),
        context.onEvent('files', (event) => {
          fileCounts.invalidate();
          if (event.event === 'ready') noteWorkspaceFiles((event.data as FilesReadyData).files);
        }),
      ];
      try {
        const selection = await selectEngine({
          engine: options.engine ?? SEARCH_DEFAULTS.engine,
          root: context.root,
          ripgrepPath: options.ripgrepPath,
          pathEnv: options.pathEnv,
          builtinWorkers: options.builtinWorkers,
          builtinUpTo: options.builtinUpTo,
        });
        engine = selection.engine;
        if (workspaceFiles !== undefined) engine.noteWorkspaceFiles?.(workspaceFiles);
        context.log.info(`search: ${selection.message}`);
        context.setState('running', selection.message);
      } catch (error) {
        unavailableReason = `search is unavailable: ${(error as Error).message}`;
        throw error;
      }
    },
    async stop() {
      for (const stop of stopListening) stop();
      stopListening = [];
      fileCounts.setWatching(false);
      const pending = [...searches.values()];
      for (const search of pending) cancelSearch(search.searchId);
      await Promise.all(pending.map((search) => search.finished));
      await engine?.close?.();
      engine = null;
      ctx = null;
    },
    running: () =>
      [...searches.values()].map((search) => ({
        searchId: search.searchId,
        clientId: search.clientId,
        engine: search.engine,
        pid: search.run?.pid,
      })),
    methods: [
      defineMethod({
        name: 'search.start',
        params: searchStartParams,
        handler: (params: SearchStartParams, caller) => startSearch(params, caller.clientId),
      }),
      defineMethod({
        name: 'search.cancel',
        params: searchCancelParams,
        handler: ({ searchId }: { searchId: string }) => ({ cancelled: cancelSearch(searchId) }),
      }),
    ],
  };
}
