/**
 * Starting short-lived tools (ripgrep) often and cheaply. Node starts a process by forking the
 * one it runs in: from a sidecar of 100–200 MB that blocks the event loop 10–20 ms per start,
 * and the copied page tables slow the sidecar down after. So tools are started by the spawner,
 * a small helper process (`spawner-process.ts`) forked once: it gives each tool a Unix socket
 * to the sidecar as its stdout, and the sidecar reads the output as it would read a pipe.
 *
 * The first run, while the helper starts, and every run on Windows (no Unix sockets there) start
 * the tool directly; so do all runs if the helper keeps failing.
 */

import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnvironment } from './child-environment.js';
import { spawnChild } from './child-process.js';
import { compiledScript } from './compiled-script.js';

export interface ToolOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  /** The tool's stdout, chunk by chunk, in order. */
  onStdout(chunk: Buffer): void;
}

export interface ToolExit {
  code: number | null;
  /** The tool's stderr, up to 16 KiB. */
  stderr: string;
  /** Why the tool could not run (`ENOENT`…), or why its run was lost. */
  error?: string;
}

export interface ToolRun {
  /** The tool's pid while it runs (unknown for a moment when started by the helper). */
  readonly pid: number | undefined;
  /** Settles when the tool is gone and all its stdout was delivered. */
  readonly exited: Promise<ToolExit>;
  /** SIGKILL; quiet if the tool is gone. */
  kill(): void;
}

export interface Spawner {
  run(options: ToolOptions): ToolRun;
  /**
   * Starts the helper now, so that even the first run does not fork the sidecar; settles once
   * runs go through it (or will not: on Windows, or when it failed).
   */
  warmUp(): Promise<void>;
  /** Stops the helper (and any tool it still runs). */
  close(): Promise<void>;
}

/** The IPC messages between the sidecar and the helper. */
export type SpawnerRequest =
  | { type: 'start'; id: string; command: string; args: string[]; cwd: string }
  | { type: 'kill'; id: string };
export type SpawnerReply =
  | { type: 'ready' }
  | { type: 'started'; id: string; pid: number }
  | {
      type: 'exited';
      id: string;
      code: number | null;
      signal?: NodeJS.Signals | null;
      stderr: string;
      error?: string;
    };

/** A tool's stderr kept for its report. */
export const MAX_STDERR = 16 * 1024;
/** A run's id, hex, then a newline: what the helper writes first on each socket. */
const ID_BYTES = 16;
const HEADER_LENGTH = ID_BYTES * 2 + 1;
/** A connection that has not named its run by then is closed. */
const HEADER_TIMEOUT_MS = 10_000;
/** How long a closing helper may take to stop its tools and exit before it is killed. */
const HELPER_EXIT_TIMEOUT_MS = 2_000;
/** After this many unexpected exits, the helper is not started again. */
const MAX_HELPER_FAILURES = 3;
const HELPER_SCRIPT = compiledScript(import.meta.url, './spawner-process.js');

interface HelperRun {
  onStdout(chunk: Buffer): void;
  pid?: number;
  socket?: Socket;
  exit?: ToolExit;
  streamClosed: boolean;
  settle(exit: ToolExit): void;
}

export function createSpawner(): Spawner {
  let state: 'off' | 'starting' | 'ready' | 'failed' =
    process.platform === 'win32' ? 'failed' : 'off';
  let failures = 0;
  let helper: ChildProcess | null = null;
  let server: Server | null = null;
  let socketDir: string | null = null;
  const runs = new Map<string, HelperRun>();
  /** Waiting for the helper to be ready or to have failed. */
  let readyWaiters: (() => void)[] = [];
  const settleWaiters = () => {
    const waiters = readyWaiters;
    readyWaiters = [];
    for (const settle of waiters) settle();
  };

  /** A run in progress keeps the sidecar alive, as its own child process would. */
  const holdAlive = (hold: boolean) => {
    const channel = helper?.channel;
    if (hold) channel?.ref();
    else channel?.unref();
  };

  const settleIfDone = (id: string, run: HelperRun) => {
    // A tool that never ran (it could not start) has no output to wait for.
    if (!run.exit || (!run.streamClosed && run.exit.error === undefined)) return;
    runs.delete(id);
    if (runs.size === 0) holdAlive(false);
    run.settle(run.exit);
  };

  const onReply = (reply: SpawnerReply) => {
    if (reply.type === 'ready') {
      if (state === 'starting') state = 'ready';
      settleWaiters();
      return;
    }
    const run = runs.get(reply.id);
    if (!run) return;
    if (reply.type === 'started') {
      run.pid = reply.pid;
      return;
    }
    run.pid = undefined;
    run.exit = {
      code: reply.code,
      stderr: reply.stderr,
      ...(reply.error === undefined ? {} : { error: reply.error }),
    };
    settleIfDone(reply.id, run);
  };

  const onConnection = (socket: Socket) => {
    let header = Buffer.alloc(0);
    let run: HelperRun | undefined;
    let id = '';
    socket.on('error', () => {}); // 'close' follows and ends the run
    // Only the helper connects here, and it writes the id at once.
    socket.setTimeout(HEADER_TIMEOUT_MS, () => {
      if (!run) socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => {
      if (run) {
        run.onStdout(chunk);
        return;
      }
      header = Buffer.concat([header, chunk]);
      if (header.length < HEADER_LENGTH) return;
      id = header.toString('latin1', 0, ID_BYTES * 2);
      run = header[HEADER_LENGTH - 1] === 10 ? runs.get(id) : undefined;
      if (!run) {
        socket.destroy(); // not a run of ours
        return;
      }
      run.socket = socket;
      socket.setTimeout(0);
      if (header.length > HEADER_LENGTH) run.onStdout(header.subarray(HEADER_LENGTH));
    });
    socket.once('close', () => {
      if (!run) return;
      run.streamClosed = true;
      settleIfDone(id, run);
    });
  };

  /** Ends the runs the helper can no longer report on, and their tools. */
  const abandonRuns = (error: string) => {
    for (const [id, run] of runs) {
      if (run.pid !== undefined) killQuietly(run.pid);
      run.socket?.destroy();
      run.exit ??= { code: null, stderr: '', error };
      run.streamClosed = true;
      settleIfDone(id, run);
    }
  };

  const helperGone = () => {
    if (state === 'off' || state === 'failed') return;
    failures++;
    state = failures >= MAX_HELPER_FAILURES ? 'failed' : 'off';
    helper = null;
    stopServer();
    abandonRuns('the spawner process stopped');
    settleWaiters();
  };

  const stopServer = () => {
    server?.close();
    server = null;
    if (socketDir) rmSync(socketDir, { recursive: true, force: true });
    socketDir = null;
  };

  const startHelper = () => {
    state = 'starting';
    try {
      // A folder only this user can enter: no one else can connect to the socket.
      socketDir = mkdtempSync(join(tmpdir(), 'sidecar-spawner-'));
    } catch {
      state = 'failed'; // no temporary folder: tools are started directly
      settleWaiters();
      return;
    }
    const socketPath = join(socketDir, 'socket');
    const listening = createServer(onConnection);
    server = listening;
    listening.unref();
    listening.once('error', helperGone);
    listening.listen(socketPath, () => {
      if (server !== listening) return;
      const child = fork(HELPER_SCRIPT, [socketPath], {
        env: childEnvironment(),
        execArgv: [],
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      helper = child;
      child.on('message', onReply);
      child.on('error', helperGone);
      child.once('exit', () => {
        if (helper === child) helperGone();
      });
      // An idle helper does not keep the sidecar alive.
      child.unref();
      child.channel?.unref();
    });
  };

  const runByHelper = (options: ToolOptions, via: ChildProcess): ToolRun => {
    const id = randomBytes(ID_BYTES).toString('hex');
    let settle!: (exit: ToolExit) => void;
    const exited = new Promise<ToolExit>((resolve) => {
      settle = resolve;
    });
    const run: HelperRun = { onStdout: options.onStdout, streamClosed: false, settle };
    runs.set(id, run);
    holdAlive(true);
    const send = (request: SpawnerRequest) => {
      try {
        via.send(request);
      } catch {
        helperGone();
      }
    };
    send({
      type: 'start',
      id,
      command: options.command,
      args: [...options.args],
      cwd: options.cwd,
    });
    return {
      exited,
      get pid() {
        return run.pid;
      },
      kill() {
        if (runs.has(id)) send({ type: 'kill', id });
      },
    };
  };

  return {
    run(options) {
      if (state === 'ready' && helper) return runByHelper(options, helper);
      if (state === 'off') startHelper();
      return runDirectly(options);
    },
    warmUp() {
      if (state === 'ready' || state === 'failed') return Promise.resolve();
      const ready = new Promise<void>((resolve) => readyWaiters.push(resolve));
      if (state === 'off') startHelper();
      return ready;
    },
    async close() {
      const child = helper;
      state = 'failed';
      helper = null;
      stopServer();
      if (child && child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        // The helper kills its tools and exits when its channel closes.
        if (child.connected) child.disconnect();
        const stuck = setTimeout(() => child.kill('SIGKILL'), HELPER_EXIT_TIMEOUT_MS);
        await gone;
        clearTimeout(stuck);
      }
      abandonRuns('the spawner was closed');
      settleWaiters();
    },
  };
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

/** Starts the tool from the sidecar's own process. */
function runDirectly(options: ToolOptions): ToolRun {
  // No process group of its own: these tools start no processes.
  const started = spawnChild({
    command: options.command,
    args: options.args,
    cwd: options.cwd,
    processGroup: false,
  });
  const child = started.process;
  child.stdout.on('data', options.onStdout);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < MAX_STDERR) stderr += chunk.toString('utf8');
  });
  const exited = new Promise<ToolExit>((resolve) => {
    let spawnError: string | undefined;
    child.once('error', (error) => {
      spawnError = error.message;
      // 'close' may not follow a failed spawn.
      if (child.pid === undefined) resolve({ code: null, stderr, error: spawnError });
    });
    child.once('close', (code) =>
      resolve(spawnError ? { code, stderr, error: spawnError } : { code, stderr }),
    );
  });
  return {
    exited,
    get pid() {
      return child.exitCode === null && child.signalCode === null ? child.pid : undefined;
    },
    kill: () => started.signal('SIGKILL'),
  };
}
