/**
 * TEST FIXTURE SOURCES for the dashboard's end-to-end tests. The real sources of these channels
 * (diagnostics, git, search, validation, ai) live on their own branches; these stand-ins emit
 * events of exactly the protocol's shapes and answer the methods as PROTOCOL.md says, so the
 * page's views are tested against the contract. They are not product code.
 */
import { z } from 'zod';
import type {
  DiagnosticsUpdatedData,
  EventData,
  EventName,
  GitStatus,
  SearchMatch,
  ValidationCompleteData,
} from '../../src/protocol.js';
import { SidecarError } from '../../src/server/errors.js';
import { defineMethod, type MethodDefinition } from '../../src/server/methods.js';
import type { Source, SourceContext } from '../../src/sources/source.js';

type FixtureChannel = 'diagnostics' | 'git' | 'search' | 'validation' | 'ai-response';

export interface FixtureSource<C extends FixtureChannel> extends Source {
  /** Emits on the fixture's channel (after the sidecar started it). */
  emit<E extends EventName<C>>(event: E, data: EventData<C, E>): number;
}

function fixtureSource<C extends FixtureChannel>(spec: {
  name: string;
  channel: C;
  snapshot?: () => unknown;
  methods?: (source: FixtureSource<C>) => MethodDefinition[];
  /** Reported on `system` at start, as a source that cannot run does. */
  unavailable?: string;
}): FixtureSource<C> {
  let ctx: SourceContext | undefined;
  const source: FixtureSource<C> = {
    name: spec.name,
    channel: spec.channel,
    async start(context) {
      ctx = context;
      if (spec.unavailable) context.setState('unavailable', spec.unavailable);
    },
    async stop() {
      ctx = undefined;
    },
    emit(event, data) {
      if (!ctx) throw new Error(`fixture source ${spec.name} is not started`);
      return ctx.emit(event, data);
    },
  };
  if (spec.snapshot) source.snapshot = spec.snapshot;
  if (spec.methods) Object.assign(source, { methods: spec.methods(source) });
  return source;
}

/** Diagnostics: a snapshot of all files with problems plus a summary; `updated` per file. */
export function diagnosticsFixtureSource(initial: DiagnosticsUpdatedData[]) {
  const byFile = new Map(initial.map((update) => [update.file, update]));
  const source = fixtureSource({
    name: 'diagnostics',
    channel: 'diagnostics',
    snapshot: () => ({ files: [...byFile.values()] }),
  });
  return Object.assign(source, {
    update(update: DiagnosticsUpdatedData) {
      if (update.diagnostics.length > 0) byFile.set(update.file, update);
      else byFile.delete(update.file);
      source.emit('updated', update);
    },
  });
}

/** Git: the snapshot is the current status; `status` replaces it. */
export function gitFixtureSource(initial: GitStatus) {
  let status = initial;
  const source = fixtureSource({ name: 'git', channel: 'git', snapshot: () => status });
  return Object.assign(source, {
    setStatus(next: GitStatus) {
      status = next;
      source.emit('status', next);
    },
  });
}

/**
 * Validation: the snapshot is the last complete result per tool; `validation.run { tool? }`
 * answers `{ runId }` and then emits `started` and, once `finish` is called, `complete`.
 */
export function validationFixtureSource(latest: ValidationCompleteData[]) {
  const results = new Map(latest.map((result) => [result.tool, result]));
  let runs = 0;
  const waiting: { runId: string; tool: string }[] = [];
  const source = fixtureSource({
    name: 'validation',
    channel: 'validation',
    snapshot: () => Object.fromEntries(results),
    methods: (self) => [
      defineMethod({
        name: 'validation.run',
        params: z.object({ tool: z.string().optional() }).strict().optional(),
        handler: (params) => {
          const tool = params?.tool ?? [...results.keys()][0] ?? 'tsc';
          const runId = `run-${++runs}`;
          waiting.push({ runId, tool });
          setImmediate(() => self.emit('started', { runId, tool, trigger: 'request' }));
          return { runId };
        },
      }),
    ],
  });
  return Object.assign(source, {
    /** Completes the oldest run started through `validation.run`. */
    finish(result: Omit<ValidationCompleteData, 'runId' | 'tool'>) {
      const run = waiting.shift();
      if (!run) throw new Error('no validation run is waiting');
      const complete = { ...result, ...run };
      results.set(run.tool, complete);
      source.emit('complete', complete);
    },
  });
}

/**
 * Search over an in-memory corpus, line by line: `search.start` answers `{ searchId }`, then
 * `progress`, `results` in batches and one `done`; `search.cancel` stops it with
 * `cancelled: true`. Queries for which `stallAfterFirstBatch` is true send one batch and then
 * wait for a cancel, so a test can cancel mid-search without racing the search.
 */
export function searchFixtureSource(
  corpus: Record<string, string>,
  options: {
    batchSize?: number;
    stallAfterFirstBatch?: (query: string) => boolean;
    unavailable?: string;
  } = {},
) {
  const batchSize = options.batchSize ?? 3;
  const running = new Map<string, () => void>();
  let searches = 0;
  const source = fixtureSource({
    name: 'search',
    channel: 'search',
    unavailable: options.unavailable,
    methods: (self) => [
      defineMethod({
        name: 'search.start',
        params: z
          .object({
            query: z.string().min(1),
            regex: z.boolean().optional(),
            caseSensitive: z.boolean().optional(),
            wholeWord: z.boolean().optional(),
            include: z.array(z.string()).optional(),
            exclude: z.array(z.string()).optional(),
            maxResults: z.number().int().positive().optional(),
          })
          .strict(),
        handler: (params) => {
          if (options.unavailable) throw new SidecarError('UNAVAILABLE', options.unavailable);
          const pattern = compile(params);
          const searchId = `s${++searches}`;
          const matches = findMatches(corpus, pattern);
          const limit = params.maxResults ?? 2000;
          const stall = options.stallAfterFirstBatch?.(params.query) ?? false;
          const { query } = params;
          const started = Date.now();
          let sent = 0;
          let stopped = false;
          const finish = (cancelled: boolean) => {
            running.delete(searchId);
            self.emit('done', {
              searchId,
              query,
              count: sent,
              filesSearched: Object.keys(corpus).length,
              durationMs: Date.now() - started,
              truncated: !cancelled && matches.length > limit,
              cancelled,
            });
          };
          running.set(searchId, () => {
            stopped = true;
            finish(true);
          });
          const sendBatch = () => {
            if (stopped) return;
            const batch = matches.slice(sent, Math.min(sent + batchSize, limit));
            if (batch.length > 0) {
              sent += batch.length;
              self.emit('results', { searchId, query, results: batch });
              self.emit('progress', { searchId, query, filesSearched: Object.keys(corpus).length });
            }
            if (stall) return;
            if (sent < Math.min(matches.length, limit)) setImmediate(sendBatch);
            else finish(false);
          };
          setImmediate(sendBatch);
          return { searchId };
        },
      }),
      defineMethod({
        name: 'search.cancel',
        params: z.object({ searchId: z.string().min(1) }).strict(),
        handler: ({ searchId }) => {
          const cancel = running.get(searchId);
          cancel?.();
          return { cancelled: cancel !== undefined };
        },
      }),
    ],
  });
  return source;
}

function compile(params: {
  query: string;
  regex?: boolean;
  caseSensitive?: boolean;
  wholeWord?: boolean;
}): RegExp {
  let body = params.regex ? params.query : params.query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (params.wholeWord) body = `\\b(?:${body})\\b`;
  try {
    return new RegExp(body, params.caseSensitive ? 'g' : 'gi');
  } catch (error) {
    throw new SidecarError('INVALID_PARAMS', `invalid regex: ${(error as Error).message}`, {
      field: 'query',
    });
  }
}

function findMatches(corpus: Record<string, string>, pattern: RegExp): SearchMatch[] {
  const found: SearchMatch[] = [];
  for (const [file, content] of Object.entries(corpus)) {
    content.split('\n').forEach((text, index) => {
      const ranges = [...text.matchAll(pattern)].map((match) => ({
        start: match.index,
        end: match.index + match[0].length,
      }));
      if (ranges.length > 0) {
        found.push({ file, line: index + 1, column: ranges[0]!.start, text, matches: ranges });
      }
    });
  }
  return found;
}

/**
 * AI catch-up: follows the `ai-response` channel in-process and answers `ai.get { id }` with
 * the stream's text so far, its last index and whether it finished, as issue 7 describes.
 * Producers publish the chunks themselves (`publish` is allowed on `ai-response`).
 */
export function aiFixtureSource() {
  const streams = new Map<string, { text: string; lastIndex: number; finished: boolean }>();
  let stopListening: (() => void) | undefined;
  const source = fixtureSource({
    name: 'ai',
    channel: 'ai-response',
    methods: () => [
      defineMethod({
        name: 'ai.get',
        params: z.object({ id: z.string().min(1) }).strict(),
        handler: ({ id }) => {
          const stream = streams.get(id);
          if (!stream) throw new SidecarError('INVALID_PARAMS', `no stream ${id}`, { field: 'id' });
          return { id, ...stream };
        },
      }),
    ],
  });
  const start = source.start;
  source.start = async (ctx) => {
    await start(ctx);
    stopListening = ctx.onEvent('ai-response', ({ data }) => {
      const chunk = data as { id: string; chunk: string; index: number; finished: boolean };
      const stream = streams.get(chunk.id) ?? { text: '', lastIndex: -1, finished: false };
      streams.set(chunk.id, {
        text: stream.text + chunk.chunk,
        lastIndex: chunk.index,
        finished: chunk.finished,
      });
    });
  };
  const stop = source.stop;
  source.stop = async () => {
    stopListening?.();
    await stop();
  };
  return source;
}
