/**
 * Starting a tool the sidecar runs (a check, ripgrep, a language server), always the same way:
 * an argument array and no shell, so nothing in an argument is ever read as shell syntax; the
 * user's environment without the sidecar's token (`childEnvironment`); optionally its own
 * process group, so stopping it also stops what it started; no console window on Windows.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { childEnvironment } from './child-environment.js';

export interface ChildOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  /** Set on top of the cleaned environment. */
  env?: Readonly<Record<string, string>>;
  /** The environment to clean and pass on; `process.env` when left out. */
  baseEnv?: NodeJS.ProcessEnv;
  /** `pipe` for a tool that is talked to (a language server); its stdin is closed by default. */
  stdin?: 'pipe' | 'ignore';
  /** Its own process group, so `signal` reaches every process it started. */
  processGroup: boolean;
  /** Kill the group if the sidecar's own process exits while the tool still runs. */
  killGroupOnExit?: boolean;
}

/** The child with stdout and stderr always piped (and stdin when asked for). */
export type ChildProcessWithOutput = ChildProcess & {
  readonly stdout: Readable;
  readonly stderr: Readable;
  readonly stdin: Writable | null;
};

export interface Child {
  readonly process: ChildProcessWithOutput;
  /** Undefined when the process could not be started. */
  readonly pid: number | undefined;
  /** Sends `signal` to the process group, or to the process alone without one; quiet if gone. */
  signal(signal: NodeJS.Signals): void;
}

/**
 * Starts the tool. Like `spawn`, it throws on arguments Node refuses (a NUL byte) and reports a
 * command that cannot run (`ENOENT`, `EACCES`) with an `error` event on the process.
 */
export function spawnChild(options: ChildOptions): Child {
  const group = options.processGroup && process.platform !== 'win32';
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: childEnvironment(options.env, options.baseEnv),
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
    // Its own process group: process.kill(-pid) then reaches every process it started.
    detached: group,
    windowsHide: true,
  }) as ChildProcessWithOutput;
  const pid = child.pid;
  if (options.killGroupOnExit && group && pid !== undefined) killOnSidecarExit(child, pid);
  return {
    process: child,
    pid,
    signal(signal) {
      if (pid === undefined) return;
      if (group) signalGroup(pid, signal);
      else {
        try {
          child.kill(signal);
        } catch {
          // already gone
        }
      }
    },
  };
}

/** Sends `signal` to the process group led by `pid` (the child and every process it started). */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, signal);
  } catch {
    // ESRCH: every process of the group is gone already.
  }
}

/** Process groups still alive, killed if the sidecar's process exits without stopping them. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function killOnSidecarExit(child: ChildProcess, pid: number): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const live of liveGroups) signalGroup(live, 'SIGKILL');
    });
  }
  liveGroups.add(pid);
  child.once('exit', () => liveGroups.delete(pid));
}
