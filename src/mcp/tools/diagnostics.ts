/**
 * `diagnostics` and `wait_for_diagnostics`: the language servers' problems as `file:line:col`
 * lines, and the edit → check loop — wait until the servers have settled on the edited files
 * (the sidecar's `diagnostics.wait`: documents' latest versions answered, no progress active),
 * then say what is there and what changed since this session last looked.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import picomatch from 'picomatch';
import { z } from 'zod';
import type {
  DiagnosticSeverity,
  DiagnosticsFileEntry,
  DiagnosticsSnapshot,
  DiagnosticsSummary,
} from '../../protocol/index.js';
import type { SidecarBackend } from '../backend.js';
import {
  answer,
  atLeast,
  BoundedText,
  clip,
  location,
  plural,
  SEVERITY_ORDER,
  workspacePath,
} from '../format.js';

const severitySchema = z
  .enum(SEVERITY_ORDER as [DiagnosticSeverity, ...DiagnosticSeverity[]])
  .describe('the least serious severity listed: "error" lists errors only (default: "warning")');
const limitSchema = z
  .number()
  .int()
  .min(1)
  .max(1000)
  .describe('most problems listed (default 100); totals always count every one');

const DEFAULT_WAIT_MS = 20_000;
// A request to the sidecar ends at its default timeout (30 s), whatever the method is asked.
const MAX_WAIT_MS = 30_000;

/** One problem, flattened from the per-file, per-server entries. */
export interface Problem {
  file: string;
  line: number;
  column: number;
  severity: DiagnosticSeverity;
  message: string;
  code?: string | number;
  source: string;
}

export function problemsOf(entries: DiagnosticsFileEntry[]): Problem[] {
  return entries.flatMap((entry) =>
    entry.diagnostics.map((d) => ({
      file: entry.file,
      // LSP positions are 0-based; editors and agents count from 1.
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      severity: d.severity,
      message: d.message,
      ...(d.code === undefined ? {} : { code: d.code }),
      source: d.source ?? entry.server,
    })),
  );
}

function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort(
    (a, b) =>
      SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.column - b.column,
  );
}

export function problemLine(p: Problem): string {
  const code = p.code === undefined ? '' : ` ${p.source === 'typescript' ? 'TS' : ''}${p.code}`;
  return `${location(p.file, p.line, p.column)}: ${p.severity}${code}: ${clip(p.message)} [${p.source}]`;
}

export function summaryLine(summary: DiagnosticsSummary): string {
  return [
    plural(summary.errors, 'error'),
    plural(summary.warnings, 'warning'),
    plural(summary.infos, 'info', 'infos'),
    plural(summary.hints, 'hint'),
  ].join(', ');
}

/** What the problems are, bounded: a count line, then one line each. */
export function renderProblems(
  problems: Problem[],
  options: { limit: number; mark?: (p: Problem) => string },
): string {
  const files = new Set(problems.map((p) => p.file)).size;
  const out = new BoundedText();
  out.add(
    problems.length === 0
      ? 'No problems.'
      : `${plural(problems.length, 'problem')} in ${plural(files, 'file')}:`,
  );
  let listed = 0;
  for (const problem of sortProblems(problems)) {
    if (
      listed >= options.limit ||
      !out.add(`${options.mark?.(problem) ?? ''}${problemLine(problem)}`)
    ) {
      break;
    }
    listed++;
  }
  const left = problems.length - listed;
  let text = out.toString();
  if (left > 0) {
    text += `\n… ${plural(left, 'more problem')} not shown (raise "limit", or narrow with "path" or "severity").`;
  }
  return text;
}

/** The problems this session reported last, per file, to tell what changed. */
function createMemory() {
  const seen = new Map<string, string[]>();
  const keyOf = (p: Problem) => `${p.severity}|${p.code ?? ''}|${p.message}`;
  return {
    /** Problems not in the last answer for their file (all of them for a file never answered). */
    isNew(p: Problem): boolean {
      return !(seen.get(p.file) ?? []).includes(keyOf(p));
    },
    known: (file: string) => seen.has(file),
    files: () => seen.keys(),
    /** The last answer's problems for `file` that are gone now, counted by their text. */
    fixed(file: string, now: Problem[]): string[] {
      const remaining = now.filter((p) => p.file === file).map(keyOf);
      const gone: string[] = [];
      for (const key of seen.get(file) ?? []) {
        const index = remaining.indexOf(key);
        if (index === -1) gone.push(key);
        else remaining.splice(index, 1);
      }
      return gone.map((key) => `${file}: ${key.split('|').slice(2).join('|')}`);
    },
    remember(files: Iterable<string>, problems: Problem[]): void {
      for (const file of files) seen.set(file, problems.filter((p) => p.file === file).map(keyOf));
    },
  };
}

async function snapshotOf(backend: SidecarBackend, file?: string): Promise<DiagnosticsSnapshot> {
  return backend.call('diagnostics.get', file === undefined ? undefined : { file });
}

/** A bounded answer from `diagnostics.wait`, whatever the sidecar adds to it. */
interface WaitOutcome {
  settled: boolean;
  note?: string;
}

async function waitUntilSettled(
  backend: SidecarBackend,
  files: string[] | undefined,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<WaitOutcome> {
  try {
    const result = await backend.call(
      'diagnostics.wait',
      { ...(files ? { files } : {}), timeoutMs },
      // The method answers at its own timeout; the connection may take a little longer.
      { signal, timeoutMs: timeoutMs + 5000 },
    );
    if (result.settled) return { settled: true };
    const pending =
      result.pending.length > 0 ? ` (still checking ${clip(result.pending.join(', '), 200)})` : '';
    return {
      settled: false,
      note: `The language servers had not settled after ${timeoutMs} ms${pending}; this is what they had reported.`,
    };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'UNKNOWN_METHOD') {
      return {
        settled: false,
        note: 'This sidecar cannot tell when its language servers have settled (no diagnostics.wait): these are the diagnostics as they stand now.',
      };
    }
    if (code === 'TIMEOUT') {
      return {
        settled: false,
        note: 'The language servers had not settled in time; this is what they had reported.',
      };
    }
    throw error;
  }
}

export function registerDiagnosticsTools(server: McpServer, backend: SidecarBackend): void {
  const memory = createMemory();

  server.registerTool(
    'diagnostics',
    {
      title: 'Current problems',
      description:
        "The workspace's current problems from its language servers (type errors, lint) as `file:line:col: severity code: message` lines, with totals. Filter by a file or glob and by severity.",
      inputSchema: {
        path: z
          .string()
          .min(1)
          .max(1000)
          .optional()
          .describe('a workspace-relative file, or a glob such as "src/**/*.ts"'),
        severity: severitySchema.optional(),
        limit: limitSchema.optional(),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ path, severity = 'warning', limit = 100 }) =>
      answer(async () => {
        const pattern = path === undefined ? undefined : workspacePath(backend.root, path);
        const isGlob = pattern !== undefined && picomatch.scan(pattern).isGlob;
        const snapshot = await snapshotOf(backend, isGlob ? undefined : pattern);
        const matches = isGlob ? picomatch(pattern!, { dot: true }) : () => true;
        const all = problemsOf(snapshot.files.filter((entry) => matches(entry.file)));
        const shown = all.filter((p) => atLeast(p.severity, severity));
        memory.remember(
          new Set(snapshot.files.filter((entry) => matches(entry.file)).map((e) => e.file)),
          all,
        );
        const scope = pattern === undefined ? '' : ` (${pattern})`;
        return [
          `Workspace: ${summaryLine(snapshot.summary)}.`,
          `Listing ${severity === 'error' ? 'errors' : `${severity} and worse`}${scope}:`,
          renderProblems(shown, { limit }),
        ].join('\n');
      }),
  );

  server.registerTool(
    'wait_for_diagnostics',
    {
      title: 'Wait for the type checker after an edit',
      description:
        'Call after editing files: waits until the language servers have checked the latest version of those files (a real signal from the servers, not a fixed sleep), then lists their problems, marking new ones (+) and naming the ones fixed since this session last looked. Without "files", waits for every open document.',
      inputSchema: {
        files: z
          .array(z.string().min(1).max(1000))
          .max(200)
          .optional()
          .describe('the files just edited, workspace-relative (absolute paths are accepted)'),
        timeoutMs: z
          .number()
          .int()
          .min(100)
          .max(MAX_WAIT_MS)
          .optional()
          .describe(`how long to wait for the servers at most (default ${DEFAULT_WAIT_MS})`),
        severity: severitySchema.optional(),
        limit: limitSchema.optional(),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ files, timeoutMs = DEFAULT_WAIT_MS, severity = 'warning', limit = 100 }, extra) =>
      answer(async () => {
        const wanted = files?.map((file) => workspacePath(backend.root, file));
        const outcome = await waitUntilSettled(backend, wanted, timeoutMs, extra.signal);
        const snapshot = await snapshotOf(backend);
        const inScope = wanted ? new Set(wanted) : undefined;
        const entries = snapshot.files.filter((entry) => !inScope || inScope.has(entry.file));
        const all = problemsOf(entries);
        const shown = all.filter((p) => atLeast(p.severity, severity));
        const scopeFiles = inScope ?? new Set([...memory.files(), ...entries.map((e) => e.file)]);
        const fixed = [...scopeFiles].flatMap((file) => memory.fixed(file, all));
        const lines = [
          outcome.settled
            ? 'Settled: the language servers have checked the latest versions.'
            : outcome.note!,
          `Workspace: ${summaryLine(snapshot.summary)}.`,
          wanted ? `In ${plural(wanted.length, 'file')} asked about:` : 'In every file:',
          renderProblems(shown, {
            limit,
            mark: (p) => (memory.known(p.file) && memory.isNew(p) ? '+ ' : ''),
          }),
        ];
        if (fixed.length > 0) {
          lines.push(`Fixed since last looked (${fixed.length}):`);
          for (const item of fixed.slice(0, 20)) lines.push(`- ${clip(item)}`);
          if (fixed.length > 20) lines.push(`… and ${fixed.length - 20} more.`);
        }
        memory.remember(scopeFiles, all);
        return lines.join('\n');
      }),
  );
}
