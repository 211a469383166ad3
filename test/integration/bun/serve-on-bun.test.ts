import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, readlink, realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { EventMessage, SubscribeResult } from '../../../src/protocol/index.js';
import { useCli } from '../../support/cli.js';
import { rawClient, TEST_TOKEN, upgradeStatus, waitFor } from '../../support/server.js';

/**
 * The Bun binary from npm: the `bun` dev dependency brings the package of this platform
 * (`@oven/bun-linux-x64`, …) as an optional dependency, and its install script, where install
 * scripts run, moves that binary into `bun/bin`. Either place will do.
 */
function bunBinary(): string {
  const modules = new URL('../../../node_modules/', import.meta.url);
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const cpu = process.arch === 'arm64' ? 'aarch64' : process.arch;
  const exe = process.platform === 'win32' ? '.exe' : '';
  const candidates = [
    fileURLToPath(new URL(`@oven/bun-${os}-${cpu}/bin/bun${exe}`, modules)),
    fileURLToPath(new URL('bun/bin/bun.exe', modules)),
  ];
  const found = candidates.find((candidate) => existsSync(candidate) && runs(candidate));
  if (!found)
    throw new Error(`no Bun binary for ${os}-${cpu}: run npm ci (looked at ${candidates})`);
  return found;
}

/** The `bun/bin` placeholder, before its install script ran, is not Bun. */
function runs(binary: string): boolean {
  try {
    return /^\d+\.\d+/.test(execFileSync(binary, ['--version'], { encoding: 'utf8' }));
  } catch {
    return false;
  }
}

const BUN = bunBinary();

const ATTACH_EXAMPLE = fileURLToPath(new URL('../../../examples/bun-attach.js', import.meta.url));

const { serve, tempDir } = useCli(BUN);

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A root that is a git repository with one commit, so the git source runs. */
async function gitRepository(root: string): Promise<void> {
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: root,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@example.com',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@example.com',
      },
    });
  git('init', '-q', '-b', 'main');
  await writeFile(join(root, 'notes.txt'), 'TODO: ship it\n');
  git('add', '.');
  git('commit', '-q', '-m', 'first');
}

describe('sidecar serve on Bun', () => {
  it('is the Bun binary from npm', () => {
    expect(existsSync(BUN)).toBe(true);
    expect(execFileSync(BUN, ['--version']).toString().trim()).toMatch(/^1\./);
  });

  it('speaks the protocol: handshake, token refusal, requests, publish and resume, ping, files events, shutdown', async () => {
    const root = await tempDir();
    await gitRepository(root);
    const served = await serve(['--port', '0'], { root });
    expect(await readlink(`/proc/${served.child.pid}/exe`)).toBe(await realpath(BUN));
    // The banner is printed once the server listens; a failure shows Bun's stderr.
    expect(served.wsUrl, served.stderr()).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
    const server = { wsUrl: served.wsUrl };
    const token = served.token;
    const dashboard = await fetch(served.dashboard);
    expect(dashboard.status).toBe(200);
    expect(dashboard.headers.get('content-type')).toContain('text/html');
    expect(token.length).toBeGreaterThanOrEqual(22);

    // The security gate: no token, a wrong token, a foreign Origin.
    expect(await upgradeStatus(server, { token: null })).toBe(401);
    expect(await upgradeStatus(server, { token: 'wrong-token-0123456789abcdef' })).toBe(401);
    expect(
      await upgradeStatus(server, { token, headers: { origin: 'https://evil.example' } }),
    ).toBe(403);

    const client = await rawClient(server, { token });
    const welcome = await client.next((m) => m.type === 'welcome');
    expect(welcome).toMatchObject({ protocol: 1, server: { name: 'sidecar' } });
    const epoch = (welcome as { epoch: string }).epoch;

    // Requests.
    client.send({ type: 'request', id: 'info', method: 'server.info' });
    expect((await client.response('info')).result).toMatchObject({ name: 'sidecar', root, epoch });
    client.send({ type: 'request', id: 'nope', method: 'no.such.method' });
    expect((await client.response('nope')).error?.code).toBe('UNKNOWN_METHOD');

    // ping / pong.
    client.send({ type: 'ping' });
    expect(await client.next((m) => m.type === 'pong')).toMatchObject({ type: 'pong' });

    // Publish, then a second client resumes with `since` and gets what it missed, in order.
    client.send({ type: 'subscribe', channels: ['files', 'search', 'git'], id: 'sub' });
    await client.response('sub');
    for (const i of [1, 2, 3]) {
      client.send({
        type: 'publish',
        id: `p${i}`,
        channel: 'custom:bun',
        event: 'line',
        data: { i },
      });
      await client.response(`p${i}`);
    }
    const resumer = await rawClient(server, { token });
    resumer.send({
      type: 'subscribe',
      channel: 'custom:bun',
      since: { epoch, seq: { 'custom:bun': 1 } },
      id: 's',
    });
    expect((await resumer.response('s')).result).toMatchObject({
      channels: ['custom:bun'],
      replayed: { 'custom:bun': 2 },
      gaps: [],
    } satisfies Partial<SubscribeResult>);
    expect(
      resumer.messages
        .filter((m): m is EventMessage => m.type === 'event' && m.channel === 'custom:bun')
        .map((m) => [m.seq, (m.data as { i: number }).i]),
    ).toEqual([
      [2, 2],
      [3, 3],
    ]);
    resumer.close();

    // A file event from the watcher (it runs in a worker thread).
    await writeFile(join(root, 'hello.txt'), 'hi');
    await client.next(
      (m) =>
        m.type === 'event' &&
        m.channel === 'files' &&
        JSON.stringify(m.data).includes('"hello.txt"'),
      20_000,
    );

    // git: its snapshot came with the subscribe; the status request answers.
    expect(client.messages.some((m) => m.type === 'snapshot' && m.channel === 'git')).toBe(true);
    client.send({ type: 'request', id: 'git', method: 'git.status' });
    expect((await client.response('git')).result).toMatchObject({ branch: 'main' });

    // search: a child process (ripgrep, or the built-in engine) streams results.
    client.send({ type: 'request', id: 'find', method: 'search.start', params: { query: 'TODO' } });
    const { searchId } = (await client.response('find')).result as { searchId: string };
    const done = await client.next(
      (m) =>
        m.type === 'event' &&
        m.channel === 'search' &&
        m.event === 'done' &&
        (m.data as { searchId: string }).searchId === searchId,
      20_000,
    );
    expect((done as EventMessage).data).toMatchObject({ count: 1, cancelled: false });

    // Shutdown on SIGTERM: `system`/`shutdown`, close 1001, exit 0.
    served.child.kill('SIGTERM');
    expect((await client.closed).code).toBe(1001);
    expect(
      client.messages.some(
        (m) => m.type === 'event' && m.channel === 'system' && m.event === 'shutdown',
      ),
    ).toBe(true);
    expect(await served.exited).toBe(0);
    expect(await readdir(join(served.runtimeDir, 'sidecar'))).toEqual([]);
  });

  it('reports a type error from the TypeScript language server, which runs on Bun too', async () => {
    const root = await tempDir();
    await writeFile(
      join(root, 'tsconfig.json'),
      '{ "compilerOptions": { "strict": true, "noEmit": true }, "include": ["*.ts"] }',
    );
    await writeFile(join(root, 'a.ts'), 'export const x: number = "text";\n');
    const served = await serve(['--port', '0'], { root });
    const client = await rawClient({ wsUrl: served.wsUrl }, { token: served.token });
    client.send({ type: 'subscribe', channel: 'diagnostics', id: 'sub' });
    await client.response('sub');
    const updated = await client.next(
      (m) =>
        m.type === 'event' &&
        m.channel === 'diagnostics' &&
        (m.data as { file?: string; summary?: { errors: number } }).file === 'a.ts' &&
        (m.data as { summary: { errors: number } }).summary.errors > 0,
      80_000,
    );
    expect(JSON.stringify(updated)).toContain('is not assignable to type');
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
  }, 90_000); // a language server's first check on a cold, shared machine takes a while

  it('watches with the native engine (@parcel/watcher) in its worker thread', async () => {
    const root = await tempDir();
    await writeFile(join(root, 'sidecar.config.json'), '{ "files": { "engine": "native" } }');
    const served = await serve(['--port', '0'], { root });
    expect(served.stdout() + served.stderr()).toContain('watching with native');
    const client = await rawClient({ wsUrl: served.wsUrl }, { token: served.token });
    client.send({ type: 'subscribe', channel: 'files', id: 'sub' });
    await client.response('sub');
    await writeFile(join(root, 'native.txt'), 'hi');
    await client.next(
      (m) =>
        m.type === 'event' &&
        m.channel === 'files' &&
        JSON.stringify(m.data).includes('"native.txt"'),
      20_000,
    );
    served.child.kill('SIGTERM');
    expect((await client.closed).code).toBe(1001);
    expect(await served.exited).toBe(0);
  });
});

describe('the embedding API on Bun', () => {
  it('attaches to a node:http server: the app keeps its routes, the sidecar serves /ws behind its gate', async () => {
    const root = await tempDir();
    const app = spawn(BUN, [ATTACH_EXAMPLE], {
      env: { ...process.env, SIDECAR_ROOT: root, SIDECAR_TOKEN: TEST_TOKEN, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    app.stdout.on('data', (chunk) => (out += chunk));
    app.stderr.on('data', (chunk) => (err += chunk));
    const exited = new Promise<number | null>((resolve) => app.on('exit', (code) => resolve(code)));
    try {
      const wsUrl = await waitFor(() => /ready (\S+)/.exec(out)?.[1] ?? app.exitCode !== null, {
        message: `the app to attach; stderr: ${err}`,
      });
      expect(typeof wsUrl, err).toBe('string');
      const server = { wsUrl: wsUrl as string };
      const base = (wsUrl as string).replace(/^ws/, 'http').replace(/\/ws$/, '');

      expect(await (await fetch(`${base}/`)).text()).toBe('app on bun');
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect(await upgradeStatus(server, { token: null })).toBe(401);

      const client = await rawClient(server);
      client.send({ type: 'request', id: 'info', method: 'server.info' });
      expect((await client.response('info')).result).toMatchObject({ name: 'sidecar', root });

      app.kill('SIGTERM');
      expect((await client.closed).code).toBe(1001);
      await waitFor(() => out.includes('closed'), { message: 'the sidecar to close' });
      expect(await exited).toBe(0);
    } finally {
      if (app.exitCode === null && app.signalCode === null) app.kill('SIGKILL');
    }
  });

  it('runs a validator in its own process group and stops the whole group on shutdown', async () => {
    const root = await tempDir();
    // The check reports a problem, leaves a grandchild running and waits for it.
    await writeFile(
      join(root, 'check.sh'),
      '#!/bin/sh\nsleep 300 &\necho $! > grandchild.pid\necho "a.ts:1:1: error: boom"\nwait\n',
      { mode: 0o755 },
    );
    await writeFile(
      join(root, 'sidecar.config.json'),
      JSON.stringify({ validation: [{ name: 'check', command: './check.sh', triggers: [] }] }),
    );
    const served = await serve(['--port', '0'], { root });
    const client = await rawClient({ wsUrl: served.wsUrl }, { token: served.token });
    client.send({ type: 'subscribe', channel: 'validation', id: 'sub' });
    await client.response('sub');
    client.send({
      type: 'request',
      id: 'run',
      method: 'validation.run',
      params: { tool: 'check' },
    });
    expect((await client.response('run')).error).toBeUndefined();
    const grandchild = Number(
      await waitFor(
        async () => (await readFile(join(root, 'grandchild.pid'), 'utf8').catch(() => '')).trim(),
        {
          message: 'the check to start its grandchild',
        },
      ),
    );
    expect(isAlive(grandchild)).toBe(true);

    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
    await waitFor(() => !isAlive(grandchild), { message: 'the grandchild to be stopped' });
  });
});
