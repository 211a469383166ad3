import { type ChildProcess, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { makeTempDir, waitFor } from './server.js';

// The built CLI, as a user runs it: `npm test` builds first.
const BIN = fileURLToPath(new URL('../../bin/sidecar.js', import.meta.url));

export interface CliRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

export interface ServedCli extends CliRun {
  root: string;
  /** XDG_RUNTIME_DIR of the run: where its discovery file goes. */
  runtimeDir: string;
  /** The `Dashboard:` URL the banner printed, with its token. */
  dashboard: string;
  wsUrl: string;
  token: string;
}

/**
 * For a test file: `run(args)` starts `sidecar <args>`; `serve(args)` starts `sidecar serve`
 * (on a new temp root and runtime dir unless given) and reads its banner. After each test,
 * processes still running are killed and the temp folders made here removed. `runtime` is the
 * JavaScript runtime that runs the CLI: Node by default, or e.g. the Bun binary.
 */
export function useCli(runtime: string = process.execPath) {
  const children: ChildProcess[] = [];
  const folders: string[] = [];
  afterEach(async () => {
    await Promise.all(
      children.splice(0).map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }),
    );
    await Promise.all(folders.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  const tempDir = async (prefix?: string) => {
    const dir = await makeTempDir(prefix);
    folders.push(dir);
    return dir;
  };

  function run(args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
    const child = spawn(runtime, [BIN, ...args], {
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk) => (out += chunk));
    child.stderr!.on('data', (chunk) => (err += chunk));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    return { child, stdout: () => out, stderr: () => err, exited };
  }

  async function serve(
    args: string[],
    place: { root?: string; runtimeDir?: string } = {},
  ): Promise<ServedCli> {
    const root = place.root ?? (await tempDir());
    const runtimeDir = place.runtimeDir ?? (await tempDir('sidecar-runtime-'));
    const server = run(['serve', '--root', root, ...args], { XDG_RUNTIME_DIR: runtimeDir });
    await waitFor(() => server.stdout().includes('WebSocket:') || server.child.exitCode !== null, {
      message: `the banner; stderr: ${server.stderr()}`,
    });
    const dashboard = /Dashboard:\s+(\S+)/.exec(server.stdout())?.[1] ?? '';
    const wsUrl = /WebSocket:\s+(\S+)/.exec(server.stdout())?.[1] ?? '';
    const token = dashboard ? (new URL(dashboard).searchParams.get('token') ?? '') : '';
    return { ...server, root, runtimeDir, dashboard, wsUrl, token };
  }

  return { run, serve, tempDir };
}
