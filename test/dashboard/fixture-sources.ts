/**
 * A TEST FIXTURE SOURCE for the dashboard's search tests, until the real search source is on
 * main: it emits events of exactly the protocol's shapes and answers the methods as
 * PROTOCOL.md says. It is not product code.
 */
import { z } from 'zod';
import type { EventData, EventName, SearchMatch } from '../../src/protocol.js';
import { SidecarError } from '../../src/server/errors.js';
import { defineMethod, type MethodDefinition } from '../../src/server/methods.js';
import type { Source, SourceContext } from '../../src/sources/source.js';

type FixtureChannel = 'search';

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
