/**
 * `search`: the sidecar's search source (ripgrep or the built-in engine), bounded: the results
 * stream in on the `search` channel and are listed as `file:line:col: text` once it is done.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { SearchDoneData, SearchMatch } from '../../protocol/index.js';
import type { ChannelEvent, SidecarBackend } from '../backend.js';
import { answer, BoundedText, clip, location, plural } from '../format.js';
import { progressReporter } from '../progress.js';

const DEFAULT_MAX_RESULTS = 100;
const MAX_RESULTS = 1000;
/** A search that found nothing to say for this long is given up on and cancelled. */
const SEARCH_TIMEOUT_MS = 60_000;

const globs = z.array(z.string().min(1).max(500)).max(100);

export function matchLine(match: SearchMatch): string {
  const text = match.text.trim();
  return `${location(match.file, match.line, match.column + 1)}: ${clip(text, 200)}`;
}

export function registerSearchTools(server: McpServer, backend: SidecarBackend): void {
  server.registerTool(
    'search',
    {
      title: 'Search the workspace',
      description:
        'Searches the text of the workspace (files git ignores are skipped) and lists matches as `file:line:col: line` lines. Literal by default; regex, case and whole-word on request; include/exclude globs. Sends progress notifications while it runs.',
      inputSchema: {
        query: z
          .string()
          .min(1)
          .max(1000)
          .describe('the text (or with regex: true, the pattern) to find'),
        regex: z
          .boolean()
          .optional()
          .describe('treat the query as a regular expression (JavaScript/Rust syntax)'),
        caseSensitive: z.boolean().optional(),
        wholeWord: z.boolean().optional(),
        include: globs.optional().describe('only files matching these globs, e.g. ["src/**/*.ts"]'),
        exclude: globs.optional().describe('skip files matching these globs'),
        maxResults: z
          .number()
          .int()
          .min(1)
          .max(MAX_RESULTS)
          .optional()
          .describe(`most matching lines (default ${DEFAULT_MAX_RESULTS})`),
        contextLines: z
          .number()
          .int()
          .min(0)
          .max(3)
          .optional()
          .describe('lines shown around each match'),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ maxResults = DEFAULT_MAX_RESULTS, contextLines = 0, ...query }, extra) =>
      answer(async () => {
        const progress = progressReporter(extra);
        // Events arrive for every client's searches: keep them until our id is known.
        const events: ChannelEvent[] = [];
        let searchId: string | undefined;
        let wake: (() => void) | undefined;
        const stop = await backend.follow('search', (event) => {
          events.push(event);
          const data = event.data as { searchId?: string; count?: number };
          if (searchId !== undefined && data.searchId === searchId && event.event === 'progress') {
            progress(
              data.count ?? 0,
              undefined,
              `${plural(data.count ?? 0, 'match', 'matches')} so far`,
            );
          }
          wake?.();
        });
        try {
          ({ searchId } = await backend.call(
            'search.start',
            { ...query, maxResults, contextLines },
            { signal: extra.signal },
          ));
          const id = searchId;
          const doneOf = () =>
            events.find((e) => e.event === 'done' && (e.data as SearchDoneData).searchId === id)
              ?.data as SearchDoneData | undefined;
          const deadline = Date.now() + SEARCH_TIMEOUT_MS;
          while (!doneOf() && !extra.signal.aborted && Date.now() < deadline) {
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, deadline - Date.now());
              wake = () => {
                clearTimeout(timer);
                resolve();
              };
            });
            wake = undefined;
          }
          const done = doneOf();
          if (!done) {
            await backend.call('search.cancel', { searchId: id }).catch(() => undefined);
            if (extra.signal.aborted) return 'Search cancelled.';
          }
          const matches = events
            .filter(
              (e) => e.event === 'results' && (e.data as { searchId: string }).searchId === id,
            )
            .flatMap((e) => (e.data as { results: SearchMatch[] }).results);
          return render(matches, done, maxResults, contextLines);
        } finally {
          stop();
        }
      }),
  );
}

function render(
  matches: SearchMatch[],
  done: SearchDoneData | undefined,
  maxResults: number,
  contextLines: number,
): string {
  const files = new Set(matches.map((m) => m.file)).size;
  const out = new BoundedText();
  const header = `${plural(matches.length, 'matching line')} in ${plural(files, 'file')}`;
  out.add(
    done
      ? `${header} (searched ${plural(done.filesSearched, 'file')} in ${done.durationMs} ms${done.engine ? ` with ${done.engine}` : ''}).`
      : `${header} before the search was given up after ${SEARCH_TIMEOUT_MS / 1000} s.`,
  );
  let listed = 0;
  for (const match of matches) {
    const lines = [
      ...(contextLines > 0 ? (match.before ?? []).map((text) => `  ${clip(text, 200)}`) : []),
      matchLine(match),
      ...(contextLines > 0 ? (match.after ?? []).map((text) => `  ${clip(text, 200)}`) : []),
    ];
    if (!lines.every((line) => out.add(line))) break;
    listed++;
  }
  let text = out.toString();
  if (listed < matches.length) {
    text += `\n… ${plural(matches.length - listed, 'more match', 'more matches')} not shown: the answer's size limit was reached (narrow with "include" or a more precise query).`;
  }
  if (done?.truncated) {
    text += `\nStopped at ${maxResults} matching lines: there are more (raise "maxResults" or narrow the search).`;
  }
  if (done?.error) text += `\nThe search engine failed: ${done.error}`;
  return text;
}
