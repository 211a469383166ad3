/**
 * Runs a tool to its end and collects what it printed: its own process group so the whole tree
 * can be killed (a test runner's workers, a script's children), output kept up to a cap, a
 * timeout, and cancellation through an AbortSignal. Never rejects: a tool that cannot start
 * gives a result with `spawnError`.
 */

import { type Child, spawnChild } from './child-process.js';

export interface ProcessRunOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  timeoutMs: number;
  /** stdout and stderr together; past it the tree is killed and the result `truncated`. */
  maxOutputBytes: number;
  signal?: AbortSignal;
  /** Set on top of the cleaned environment. */
  env?: Readonly<Record<string, string>>;
  /** The environment to clean and pass on; `process.env` when left out. */
  baseEnv?: NodeJS.ProcessEnv;
  /** Called once the process is spawned (or failed to). */
  onSpawn?: (pid: number | undefined) => void;
}

export interface ProcessResult {
  stdout: string;
  stderr: string;
  /** null when the process was killed by a signal or never started. */
  exitCode: number | null;
  durationMs: number;
  cancelled: boolean;
  timedOut: boolean;
  truncated: boolean;
  /** Why the process could not be started, e.g. `spawn … ENOENT`. */
  spawnError?: string;
}

/** How long a tree told to stop (SIGTERM) gets before it is killed outright (SIGKILL). */
export const KILL_GRACE_MS = 2000;

export function runProcess(options: ProcessRunOptions): Promise<ProcessResult> {
  const startedAt = performance.now();
  return new Promise((resolve) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let outputBytes = 0;
    let stopReason: 'cancelled' | 'timedOut' | 'truncated' | null = null;
    let spawnError: string | undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    let settled = false;

    let started: Child;
    try {
      started = spawnChild({
        command: options.command,
        args: options.args,
        cwd: options.cwd,
        ...(options.env ? { env: options.env } : {}),
        ...(options.baseEnv ? { baseEnv: options.baseEnv } : {}),
        processGroup: true,
      });
    } catch (error) {
      // Arguments Node refuses (a NUL byte, say) throw here instead of emitting 'error'.
      resolve({
        stdout: '',
        stderr: '',
        exitCode: null,
        durationMs: 0,
        cancelled: false,
        timedOut: false,
        truncated: false,
        spawnError: (error as Error).message,
      });
      return;
    }
    const child = started.process;
    options.onSpawn?.(started.pid);

    const stop = (reason: NonNullable<typeof stopReason>) => {
      if (stopReason !== null || settled) return;
      stopReason = reason;
      started.signal('SIGTERM');
      graceTimer = setTimeout(() => {
        started.signal('SIGKILL');
        // A grandchild that left the group could still hold the pipes open: stop waiting.
        graceTimer = setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
          finish(null);
        }, KILL_GRACE_MS);
      }, KILL_GRACE_MS);
    };

    const collect = (chunks: Buffer[]) => (chunk: Buffer) => {
      if (stopReason === 'truncated') return;
      const room = options.maxOutputBytes - outputBytes;
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, room));
        outputBytes += room;
        stop('truncated');
        return;
      }
      chunks.push(chunk);
      outputBytes += chunk.length;
    };
    child.stdout.on('data', collect(stdout));
    child.stderr.on('data', collect(stderr));

    const timeout = setTimeout(() => stop('timedOut'), options.timeoutMs);
    const onAbort = () => stop('cancelled');
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });

    function finish(exitCode: number | null) {
      if (settled) return;
      settled = true;
      clearTimeout(timeout);
      clearTimeout(graceTimer);
      options.signal?.removeEventListener('abort', onAbort);
      // A cut-off last line would be read as a (wrong) line of output: keep whole lines only.
      const decode = (chunks: Buffer[]) => {
        const text = Buffer.concat(chunks).toString('utf8');
        return stopReason === 'truncated' ? text.slice(0, text.lastIndexOf('\n') + 1) : text;
      };
      const result: ProcessResult = {
        stdout: decode(stdout),
        stderr: decode(stderr),
        exitCode,
        durationMs: Math.round(performance.now() - startedAt),
        cancelled: stopReason === 'cancelled',
        timedOut: stopReason === 'timedOut',
        truncated: stopReason === 'truncated',
      };
      if (spawnError !== undefined) result.spawnError = spawnError;
      resolve(result);
    }

    child.once('error', (error) => {
      // Only spawn failures land here before 'close'; a killed process closes normally.
      spawnError = error.message;
      finish(null);
    });
    child.once('exit', () => {
      // The main process is done; what it left running in its group is not wanted.
      started.signal('SIGTERM');
    });
    child.once('close', (code) => finish(code));
  });
}
