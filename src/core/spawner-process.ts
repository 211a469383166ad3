/**
 * The spawner's process (see `spawner.ts`): a small Node process that starts tools for the
 * sidecar. For each one it connects to the sidecar's socket, writes the run's id on the first
 * line, and gives that socket to the tool as its stdout, so the output goes straight to the
 * sidecar; it reports the pid, then the exit with the tool's stderr, over the IPC channel.
 *
 * It loads nothing of the sidecar's but `spawner.ts`: it stays small.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { MAX_STDERR, type SpawnerReply, type SpawnerRequest } from './spawner.js';

const socketPath = process.argv[2];
if (!socketPath || !process.send) {
  console.error('the spawner is started by the sidecar, with its socket path');
  process.exit(2);
}

const running = new Map<string, ChildProcess>();
/** Runs asked for whose tool has not started yet, and those of them killed meanwhile. */
const starting = new Set<string>();
const killedEarly = new Set<string>();

const reply = (message: SpawnerReply) => {
  // The channel is closed only when the sidecar is gone, and then so is this process.
  process.send?.(message, (error: Error | null) => {
    if (error) process.exit(0);
  });
};

process.on('message', (message: SpawnerRequest) => {
  if (message.type === 'kill') {
    const child = running.get(message.id);
    if (child) child.kill('SIGKILL');
    else if (starting.has(message.id)) killedEarly.add(message.id);
    return;
  }
  start(message);
});
reply({ type: 'ready' });

// The sidecar is gone: so is every tool it asked for.
process.on('disconnect', () => {
  for (const child of running.values()) child.kill('SIGKILL');
  process.exit(0);
});

function start({ id, command, args, cwd }: Extract<SpawnerRequest, { type: 'start' }>): void {
  starting.add(id);
  const fail = (error: string) => {
    if (!starting.delete(id)) return;
    killedEarly.delete(id);
    reply({ type: 'exited', id, code: null, stderr: '', error });
  };
  const socket = connect(socketPath!);
  socket.once('error', (error) => fail(`the spawner cannot reach the sidecar: ${error.message}`));
  socket.once('connect', () => {
    // The id first, written before the tool can write anything after it.
    socket.write(`${id}\n`, (error) => {
      if (error) {
        socket.destroy();
        fail(`the spawner cannot reach the sidecar: ${error.message}`);
        return;
      }
      if (!starting.delete(id)) return; // failed meanwhile
      if (killedEarly.delete(id)) {
        socket.destroy();
        reply({ type: 'exited', id, code: null, signal: 'SIGKILL', stderr: '' });
        return;
      }
      run(id, command, args, cwd, socket);
    });
  });
}

function run(id: string, command: string, args: string[], cwd: string, socket: Socket): void {
  let child: ChildProcess;
  try {
    child = spawn(command, args, { cwd, stdio: ['ignore', socket, 'pipe'], windowsHide: true });
  } catch (error) {
    socket.destroy();
    reply({ type: 'exited', id, code: null, stderr: '', error: (error as Error).message });
    return;
  }
  // The tool has its own copy of the socket: the sidecar sees the end when the tool exits.
  socket.destroy();
  running.set(id, child);
  if (child.pid !== undefined) reply({ type: 'started', id, pid: child.pid });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < MAX_STDERR) stderr += chunk.toString('utf8');
  });
  let reported = false;
  const exited = (code: number | null, signal: NodeJS.Signals | null, error?: string) => {
    if (reported) return;
    reported = true;
    running.delete(id);
    reply({ type: 'exited', id, code, signal, stderr, ...(error ? { error } : {}) });
  };
  let spawnError: string | undefined;
  child.once('error', (error) => {
    spawnError = error.message;
    // 'close' may not follow a failed spawn.
    if (child.pid === undefined) exited(null, null, spawnError);
  });
  child.once('close', (code, signal) => exited(code, signal, spawnError));
}
