import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createSpawner,
  type Spawner,
  type ToolExit,
  type ToolRun,
} from '../../src/core/spawner.js';
import { isProcessGone } from '../support/processes.js';
import { waitFor } from '../support/server.js';

let spawners: Spawner[] = [];
afterEach(async () => {
  await Promise.all(spawners.map((spawner) => spawner.close()));
  spawners = [];
});

function newSpawner(): Spawner {
  const spawner = createSpawner();
  spawners.push(spawner);
  return spawner;
}

interface Finished {
  exit: ToolExit;
  stdout: Buffer;
}

function run(spawner: Spawner, args: string[], command = 'sh'): Promise<Finished> {
  const chunks: Buffer[] = [];
  const started = spawner.run({
    command,
    args,
    cwd: process.cwd(),
    onStdout: (chunk) => chunks.push(chunk),
  });
  return started.exited.then((exit) => ({ exit, stdout: Buffer.concat(chunks) }));
}

/** The pid of the process that started a tool: the sidecar's own, or the helper's. */
async function parentOfTool(spawner: Spawner): Promise<number> {
  const { stdout } = await run(spawner, ['-c', 'echo $PPID']);
  return Number(stdout.toString().trim());
}

/** Runs tools until one is started by the helper (the first runs start directly); its pid. */
async function helperReady(spawner: Spawner): Promise<number> {
  const helper = await waitFor(
    async () => {
      const parent = await parentOfTool(spawner);
      return parent !== process.pid ? parent : undefined;
    },
    { message: 'the spawner process' },
  );
  return helper as number;
}

/** Writes `bytes` of pseudo-random text to stdout, in many writes. */
const writeScript = (bytes: number) =>
  `let left = ${bytes}; let i = 0;
   while (left > 0) { const line = 'line ' + (i++) + ' ' + 'x'.repeat(i % 200) + '\\n';
     process.stdout.write(line.slice(0, left)); left -= line.length; }`;

/** A tool that runs until killed, and its pid once it runs. */
async function startSleep(spawner: Spawner): Promise<{ started: ToolRun; pid: number }> {
  const started = spawner.run({
    command: 'sleep',
    args: ['300'],
    cwd: process.cwd(),
    onStdout() {},
  });
  const pid = await waitFor(() => started.pid, { message: 'the tool to start' });
  return { started, pid: pid as number };
}

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('spawner', () => {
  it('starts tools from its helper process once that is up, not from the sidecar', async () => {
    const spawner = newSpawner();
    // The first run does not wait for the helper.
    expect(await parentOfTool(spawner)).toBe(process.pid);
    const helper = await helperReady(spawner);
    expect(helper).not.toBe(process.pid);
    expect(await parentOfTool(spawner)).toBe(helper);
  });

  it('warms up: its helper starts before any run, and the first run goes through it', async () => {
    const spawner = newSpawner();
    await spawner.warmUp();
    expect(await parentOfTool(spawner)).not.toBe(process.pid);
  });

  it("delivers a tool's whole stdout in order, its exit code and its stderr", async () => {
    const spawner = newSpawner();
    await helperReady(spawner);
    const bytes = 8 * 1024 * 1024;
    const direct = await run(newSpawner(), ['-e', writeScript(bytes)], process.execPath);
    const [first, second] = await Promise.all([
      run(spawner, ['-e', writeScript(bytes)], process.execPath),
      run(spawner, ['-e', writeScript(bytes)], process.execPath),
    ]);
    expect(direct.stdout.length).toBe(bytes);
    for (const viaHelper of [first, second]) {
      expect(viaHelper.exit).toEqual({ code: 0, stderr: '' });
      expect(viaHelper.stdout.length).toBe(bytes);
      expect(sha(viaHelper.stdout)).toBe(sha(direct.stdout));
    }

    const failing = await run(spawner, ['-c', 'echo out; echo oops >&2; exit 3']);
    expect(failing.stdout.toString()).toBe('out\n');
    expect(failing.exit).toEqual({ code: 3, stderr: 'oops\n' });
  });

  it('reports a command that cannot run, from the helper as directly', async () => {
    const spawner = newSpawner();
    const direct = await run(spawner, [], 'sidecar-no-such-tool');
    await helperReady(spawner);
    const viaHelper = await run(spawner, [], 'sidecar-no-such-tool');
    for (const { exit } of [direct, viaHelper]) {
      expect(exit.code).toBeNull();
      expect(exit.error).toMatch(/ENOENT/);
    }
  });

  it('kills a running tool', async () => {
    const spawner = newSpawner();
    await helperReady(spawner);
    const { started, pid } = await startSleep(spawner);
    started.kill();
    const exit = await started.exited;
    expect(exit.code).toBeNull();
    expect(isProcessGone(pid)).toBe(true);
    expect(started.pid).toBeUndefined();
  });

  it('ends the runs of a helper that dies, and starts a new helper for later runs', async () => {
    const spawner = newSpawner();
    const helper = await helperReady(spawner);
    const { started, pid } = await startSleep(spawner);
    process.kill(helper, 'SIGKILL');
    expect((await started.exited).error).toMatch(/spawner process stopped/);
    // Its tool does not outlive it.
    await waitFor(() => isProcessGone(pid), { message: 'the orphaned tool to be killed' });

    const next = await helperReady(spawner);
    expect(next).not.toBe(helper);
  });

  it('stops its helper and the tools it runs when closed', async () => {
    const spawner = newSpawner();
    const helper = await helperReady(spawner);
    const { started, pid } = await startSleep(spawner);
    await spawner.close();
    expect((await started.exited).error).toBeDefined();
    await waitFor(() => isProcessGone(pid) && isProcessGone(helper), { message: 'both to exit' });
    // A closed spawner still runs tools, itself.
    expect(await parentOfTool(spawner)).toBe(process.pid);
  });
});
