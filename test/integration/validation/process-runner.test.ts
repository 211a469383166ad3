import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runProcess } from '../../../src/sources/validation/process-runner.js';
import { isProcessGone } from '../../support/processes.js';
import { makeTempDir, waitFor } from '../../support/server.js';

let dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  dirs = [];
});

async function tempDir(): Promise<string> {
  const dir = await makeTempDir('sidecar-runner-');
  dirs.push(dir);
  return dir;
}

/** A shell that starts a background `sleep`, writes its pid to `pidFile`, and waits for it. */
function treeScript(pidFile: string, ignoreTerm = false) {
  const trap = ignoreTerm ? "trap '' TERM; " : '';
  return ['-c', `${trap}sleep 300 & echo $! > "$1"; wait`, 'sh', pidFile];
}

const defaults = { timeoutMs: 60_000, maxOutputBytes: 1024 * 1024 };

describe('runProcess', () => {
  it('collects stdout, stderr and the exit code, in the root, with color off', async () => {
    const cwd = await tempDir();
    const result = await runProcess({
      ...defaults,
      command: process.execPath,
      args: [
        '-e',
        'console.log(process.cwd()); console.log(process.env.NO_COLOR, process.env.SIDECAR_TOKEN); console.error("oops"); process.exit(3)',
      ],
      cwd,
      env: { ...process.env, SIDECAR_TOKEN: 'secret-token-that-stays-home' },
    });
    expect(result).toMatchObject({
      exitCode: 3,
      stderr: 'oops\n',
      cancelled: false,
      timedOut: false,
      truncated: false,
    });
    const [dir, env] = result.stdout.trim().split('\n');
    expect(realpathSync(dir!)).toBe(realpathSync(cwd));
    expect(env).toBe('1 undefined');
  });

  it('kills the whole tree when the timeout passes', async () => {
    const dir = await tempDir();
    const pidFile = join(dir, 'child.pid');
    let shellPid: number | undefined;
    const result = await runProcess({
      ...defaults,
      command: '/bin/sh',
      args: treeScript(pidFile),
      cwd: dir,
      timeoutMs: 3000,
      onSpawn: (pid) => {
        shellPid = pid;
      },
    });
    expect(result).toMatchObject({ timedOut: true, cancelled: false, exitCode: null });
    const sleepPid = Number(readFileSync(pidFile, 'utf8'));
    await waitFor(() => isProcessGone(shellPid!) && isProcessGone(sleepPid), {
      message: 'the shell and its sleep to be gone',
    });
  });

  it('kills a tree that ignores SIGTERM with SIGKILL after the grace period', async () => {
    const dir = await tempDir();
    const pidFile = join(dir, 'child.pid');
    const controller = new AbortController();
    const running = runProcess({
      ...defaults,
      command: '/bin/sh',
      args: treeScript(pidFile, true),
      cwd: dir,
      signal: controller.signal,
    });
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', {
      message: 'the pid file',
    });
    const sleepPid = Number(readFileSync(pidFile, 'utf8'));
    controller.abort();
    const result = await running;
    expect(result).toMatchObject({ cancelled: true, exitCode: null });
    await waitFor(() => isProcessGone(sleepPid), { message: 'the sleep to be gone' });
  });

  it('ends a run whose process exits but left a child holding its output open', async () => {
    const dir = await tempDir();
    const pidFile = join(dir, 'child.pid');
    const result = await runProcess({
      ...defaults,
      command: '/bin/sh',
      args: ['-c', 'sleep 300 & echo $! > "$1"; echo done', 'sh', pidFile],
      cwd: dir,
    });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'done\n', timedOut: false });
    const sleepPid = Number(readFileSync(pidFile, 'utf8'));
    await waitFor(() => isProcessGone(sleepPid), { message: 'the left-over sleep to be gone' });
  });

  it('caps the output at whole lines, kills the process and marks the result truncated', async () => {
    const cwd = await tempDir();
    const line = `${'x'.repeat(99)}\n`;
    const result = await runProcess({
      ...defaults,
      command: process.execPath,
      args: [
        '-e',
        // As fast as the pipe takes it, without end (a sync loop would only fill Node's buffer).
        `const b = ${JSON.stringify(line)}.repeat(700); const w = () => { while (process.stdout.write(b)); process.stdout.once('drain', w); }; w();`,
      ],
      cwd,
      maxOutputBytes: 256 * 1024,
    });
    expect(result.truncated).toBe(true);
    expect(result.exitCode).toBeNull();
    expect(result.stdout.length).toBe(Math.floor((256 * 1024) / line.length) * line.length);
    expect(result.stdout.endsWith('x\n')).toBe(true);
  });

  it('reports a command that cannot start', async () => {
    const cwd = await tempDir();
    const result = await runProcess({
      ...defaults,
      command: join(cwd, 'no-such-tool'),
      args: [],
      cwd,
    });
    expect(result.exitCode).toBeNull();
    expect(result.spawnError).toMatch(/ENOENT/);
    const refused = await runProcess({
      ...defaults,
      command: process.execPath,
      args: ['a\0b'],
      cwd,
    });
    expect(refused.spawnError).toMatch(/null bytes/);
  });
});
