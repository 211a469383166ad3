import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnChild } from '../../src/core/child-process.js';
import { isProcessGone } from '../support/processes.js';
import { makeTempDir, waitFor } from '../support/server.js';

let dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  dirs = [];
});

async function tempDir(): Promise<string> {
  const dir = await makeTempDir('sidecar-child-');
  dirs.push(dir);
  return dir;
}

/** A shell that starts a background `sleep`, writes its pid to `pidFile`, and waits for it. */
const treeScript = (pidFile: string) => ['-c', 'sleep 300 & echo $! > "$1"; wait', 'sh', pidFile];

describe('spawnChild', () => {
  it("runs in the folder given, with the user's environment minus the token, plus overrides", async () => {
    const cwd = await tempDir();
    const { process: child } = spawnChild({
      command: process.execPath,
      args: [
        '-e',
        'console.log(process.cwd(), process.env.HOME, process.env.SIDECAR_TOKEN, process.env.EXTRA)',
      ],
      cwd,
      baseEnv: { ...process.env, HOME: '/home/dev', SIDECAR_TOKEN: 'secret' },
      env: { EXTRA: 'yes' },
      processGroup: false,
    });
    const [, output] = await Promise.all([
      new Promise((resolve) => child.once('close', resolve)),
      text(child.stdout),
    ]);
    expect(output.trim().split(' ')).toEqual([cwd, '/home/dev', 'undefined', 'yes']);
  });

  it('reaches the processes the tool started when it has its own process group', async () => {
    const dir = await tempDir();
    const pidFile = join(dir, 'sleep.pid');
    const child = spawnChild({
      command: '/bin/sh',
      args: treeScript(pidFile),
      cwd: dir,
      processGroup: true,
    });
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'), {
      message: 'the shell to start its sleep',
    });
    const sleepPid = Number(readFileSync(pidFile, 'utf8'));
    child.signal('SIGKILL');
    await waitFor(() => isProcessGone(child.pid!) && isProcessGone(sleepPid), {
      message: 'the shell and its sleep to be gone',
    });
  });

  it('throws, as spawn does, on an argument Node refuses', () => {
    expect(() =>
      spawnChild({ command: 'echo', args: ['a\0b'], cwd: process.cwd(), processGroup: false }),
    ).toThrow();
  });
});
