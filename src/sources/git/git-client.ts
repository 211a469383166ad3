/**
 * How the git source runs git: through simple-git, always with an argument array, in the
 * workspace, and never taking the optional index lock, so a refresh in the background can never
 * make the user's own `git commit` fail with "index.lock exists".
 */

import { type SimpleGit, simpleGit } from 'simple-git';
import { childEnvironment } from '../../core/child-environment.js';

export interface GitClientOptions {
  /** Where git runs: the workspace root. */
  cwd: string;
  /** The git executable; `git` from PATH by default. */
  binary?: string;
  /** A git that prints nothing for this long is killed (it may be waiting for a lock or a prompt). */
  idleTimeoutMs?: number;
}

export interface GitClient {
  /** Runs `git <args>` and resolves its standard output. */
  run(args: readonly string[]): Promise<string>;
  /**
   * Runs `git <args>`, keeping at most `maxBytes` of output: past that git is stopped and the
   * output is cut at the last whole line. `signal` stops it early (the promise then rejects).
   */
  runCapped(
    args: readonly string[],
    maxBytes: number,
    signal?: AbortSignal,
  ): Promise<{ output: string; truncated: boolean }>;
}

/**
 * Before every command: no optional locks (what `git status` would otherwise take to refresh
 * the index), and pathspecs taken literally, so a file named `:(glob)*` is just a file.
 */
const GLOBAL_ARGS = ['--no-optional-locks', '--literal-pathspecs'] as const;

/** `-c` settings for every command: readable UTF-8 paths and plain text output. */
const CONFIG = ['core.quotePath=false', 'color.ui=false'];

const DEFAULT_IDLE_TIMEOUT_MS = 120_000;

/**
 * Variables simple-git guards because they make git run other programs: inherited, it drops
 * them; given explicitly, it refuses to run at all. So they are left out here, as it would.
 */
const GUARDED_VARIABLES = new Set(['editor', 'visual', 'pager', 'prefix', 'ssh_askpass']);

function isGuarded(name: string): boolean {
  const key = name.toLowerCase().trim();
  return key.startsWith('git_') || GUARDED_VARIABLES.has(key);
}

/** The cleaned environment every child gets (no SIDECAR_TOKEN), less what simple-git guards. */
function gitEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(childEnvironment()).filter(([name]) => !isGuarded(name)),
  );
}

export function createGitClient(options: GitClientOptions): GitClient {
  const settings = {
    baseDir: options.cwd,
    binary: options.binary ?? 'git',
    config: CONFIG,
    maxConcurrentProcesses: 4,
    timeout: { block: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS },
  };
  const env = gitEnvironment();
  const shared = simpleGit(settings).env(env);
  // Capped runs each need their own instance (for the abort signal), so they are limited here.
  const cappedSlots = createSlots(settings.maxConcurrentProcesses);

  return {
    run: (args) => shared.raw([...GLOBAL_ARGS, ...args]),

    runCapped: (args, maxBytes, signal) =>
      cappedSlots.run(() => runCappedNow(args, maxBytes, signal)),
  };

  async function runCappedNow(
    args: readonly string[],
    maxBytes: number,
    signal: AbortSignal | undefined,
  ): Promise<{ output: string; truncated: boolean }> {
    signal?.throwIfAborted();
    const capped = new AbortController();
    const chunks: Buffer[] = [];
    let kept = 0;
    let truncated = false;
    const git: SimpleGit = simpleGit({
      ...settings,
      abort: signal ? AbortSignal.any([signal, capped.signal]) : capped.signal,
    }).outputHandler((_command, stdout) => {
      stdout.on('data', (chunk: Buffer) => {
        if (truncated) return;
        const room = maxBytes - kept;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          kept = maxBytes;
          truncated = true;
          capped.abort(); // enough: stop git instead of reading (and holding) the rest
          return;
        }
        chunks.push(chunk);
        kept += chunk.length;
      });
    });
    git.env(env);
    try {
      await git.raw([...GLOBAL_ARGS, ...args]);
    } catch (error) {
      if (!truncated || signal?.aborted) throw error;
    }
    const output = Buffer.concat(chunks);
    if (!truncated) return { output: output.toString('utf8'), truncated };
    // Cut at the last newline: no half line, no half UTF-8 character.
    const lastNewline = output.lastIndexOf(0x0a);
    return { output: output.subarray(0, lastNewline + 1).toString('utf8'), truncated };
  }
}

/** Runs at most `size` tasks at once; the others wait their turn, in order. */
function createSlots(size: number) {
  let busy = 0;
  const waiting: (() => void)[] = [];
  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (busy >= size) await new Promise<void>((resolve) => waiting.push(resolve));
      else busy++;
      try {
        return await task();
      } finally {
        // Hand the slot straight to the next task, or free it.
        const next = waiting.shift();
        if (next) next();
        else busy--;
      }
    },
  };
}

/** True when git itself could not be started (not installed, not on PATH). */
export function isGitMissing(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    code === 'ENOENT' || (typeof message === 'string' && /\bspawn\b.*\bENOENT\b/.test(message))
  );
}

/** git's own first line of complaint, without the `fatal: ` prefix. */
export function describeGitError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split('\n').find((text) => text.trim() !== '') ?? message;
  return line.replace(/^(fatal|error): /, '').trim();
}
