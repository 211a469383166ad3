/**
 * `validation_run`: starts the configured checks (one, or all), follows the `validation`
 * channel until each has completed, and lists their problems. A run a newer one of the same
 * check cancelled (the files changed meanwhile) is followed by that newer run's verdict.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { ValidationCompleteData, ValidationProblem } from '../../protocol/index.js';
import type { ChannelEvent, SidecarBackend } from '../backend.js';
import { answer, BoundedText, clip, location, plural } from '../format.js';
import { progressReporter } from '../progress.js';

const DEFAULT_TIMEOUT_MS = 5 * 60_000;

export function problemLine(p: ValidationProblem): string {
  const code = p.code ? ` ${p.code}` : '';
  return `${location(p.file, p.line, p.column)}: ${p.severity}${code}: ${clip(p.message)}`;
}

export function verdictLine(result: ValidationCompleteData): string {
  const seconds = (result.durationMs / 1000).toFixed(1);
  const verdict = result.cancelled
    ? 'cancelled'
    : result.timedOut
      ? 'timed out'
      : result.ok
        ? 'passed'
        : 'failed';
  const problems = plural(result.problems.length, 'problem');
  const notes = [
    result.truncated ? 'output cut at its limit: more problems may exist' : '',
    result.error ?? '',
  ].filter(Boolean);
  return `${result.tool}: ${verdict}, ${problems} (${seconds} s${result.exitCode === null ? '' : `, exit ${result.exitCode}`})${notes.length ? ` — ${notes.join('; ')}` : ''}`;
}

export function renderRuns(results: ValidationCompleteData[], limit: number): string {
  const out = new BoundedText();
  let listed = 0;
  let total = 0;
  for (const result of results) {
    out.add(verdictLine(result));
    for (const problem of result.problems) {
      total++;
      if (listed < limit && out.add(`  ${problemLine(problem)}`)) listed++;
    }
  }
  let text = out.toString();
  if (total > listed) {
    text += `\n… ${plural(total - listed, 'more problem')} not shown (raise "limit").`;
  }
  return text;
}

export function registerValidationTools(server: McpServer, backend: SidecarBackend): void {
  server.registerTool(
    'validation_run',
    {
      title: 'Run the checks',
      description:
        "Runs the workspace's configured checks (tsc, eslint, tests, …; one by name, or all), waits until they finish, and lists each verdict and its problems as `file:line:col` lines. Sends progress notifications as checks finish.",
      inputSchema: {
        tool: z
          .string()
          .min(1)
          .max(64)
          .optional()
          .describe('the check to run, by its name in the validation settings (default: all)'),
        timeoutMs: z
          .number()
          .int()
          .min(100)
          .max(30 * 60_000)
          .optional()
          .describe(`how long to wait for the checks at most (default ${DEFAULT_TIMEOUT_MS})`),
        limit: z
          .number()
          .int()
          .min(1)
          .max(1000)
          .optional()
          .describe('most problems listed (default 100)'),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
    },
    ({ tool, timeoutMs = DEFAULT_TIMEOUT_MS, limit = 100 }, extra) =>
      answer(async () => {
        const progress = progressReporter(extra);
        const runs = createRunWaiter();
        const stop = await backend.follow('validation', (event: ChannelEvent) => {
          if (event.event === 'complete') runs.completed(event.data as ValidationCompleteData);
        });
        try {
          const started = await backend.call(
            'validation.run',
            tool === undefined ? undefined : { tool },
            { signal: extra.signal },
          );
          progress(0, started.runs.length, `started ${started.runs.map((r) => r.tool).join(', ')}`);
          const { verdicts, pending } = await runs.wait(started.runs, {
            timeoutMs,
            signal: extra.signal,
            onVerdict: (result, done) => progress(done, started.runs.length, verdictLine(result)),
          });
          let text = renderRuns(verdicts, limit);
          if (pending.length > 0) {
            text += `${text ? '\n' : ''}Still running after ${timeoutMs} ms: ${pending.join(', ')} (the result will be on the sidecar://validation resource).`;
          }
          return text;
        } finally {
          stop();
        }
      }),
  );
}

/**
 * Matches `complete` events to the runs started. Events are kept from before the runs are
 * known: a quick check can finish before `validation.run` has answered.
 */
function createRunWaiter() {
  const early: ValidationCompleteData[] = [];
  let handle: ((result: ValidationCompleteData) => void) | undefined;
  return {
    completed(result: ValidationCompleteData) {
      if (handle) handle(result);
      else early.push(result);
    },
    wait(
      runs: { tool: string; runId: string }[],
      options: {
        timeoutMs: number;
        signal: AbortSignal;
        onVerdict: (result: ValidationCompleteData, done: number) => void;
      },
    ): Promise<{ verdicts: ValidationCompleteData[]; pending: string[] }> {
      const waiting = new Map(runs.map((run) => [run.tool, { runId: run.runId, anyRun: false }]));
      const verdicts = new Map<string, ValidationCompleteData>();
      const settle = () => ({
        verdicts: runs.flatMap((run) => verdicts.get(run.tool) ?? []),
        pending: [...waiting.keys()],
      });
      return new Promise((resolve) => {
        const finish = () => {
          clearTimeout(timer);
          options.signal.removeEventListener('abort', finish);
          handle = undefined;
          resolve(settle());
        };
        const timer = setTimeout(finish, options.timeoutMs);
        options.signal.addEventListener('abort', finish, { once: true });
        handle = (result) => {
          const wait = waiting.get(result.tool);
          if (!wait || (!wait.anyRun && result.runId !== wait.runId)) return;
          // A newer run of the same check replaced ours: its verdict is the one that counts.
          if (result.cancelled) {
            wait.anyRun = true;
            return;
          }
          waiting.delete(result.tool);
          verdicts.set(result.tool, result);
          options.onVerdict(result, verdicts.size);
          if (waiting.size === 0) finish();
        };
        for (const result of early.splice(0)) handle?.(result);
      });
    },
  };
}
