import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerMessage } from '../../../src/protocol/index.js';
import { useCli } from '../../support/cli.js';
import { waitFor } from '../../support/server.js';

const { run, serve, tempDir } = useCli();

describe('sidecar serve', () => {
  it('serves files events to a client with the printed token, writes discovery, and shuts down cleanly', async () => {
    const server = await serve(['--port', '0']);
    expect(server.token.length).toBeGreaterThanOrEqual(22);
    expect(server.stdout()).toContain(`Root:       ${server.root}`);

    const [discoveryName] = await readdir(join(server.runtimeDir, 'sidecar'));
    const discoveryPath = join(server.runtimeDir, 'sidecar', discoveryName!);
    expect((await stat(discoveryPath)).mode & 0o777).toBe(0o600);
    const record = JSON.parse(await readFile(discoveryPath, 'utf8'));
    expect(record).toMatchObject({ pid: server.child.pid, token: server.token, root: server.root });
    expect(server.wsUrl).toBe(`ws://127.0.0.1:${record.port}/ws`);

    const messages: ServerMessage[] = [];
    const socket = new WebSocket(server.wsUrl, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'subscribe', channels: ['files'], id: 's' }));
    await waitFor(() => messages.some((m) => m.type === 'response'));
    await writeFile(join(server.root, 'hello.txt'), 'hi');
    await waitFor(
      () =>
        messages.some(
          (m) => m.type === 'event' && (m.data as { file?: string }).file === 'hello.txt',
        ),
      {
        message: 'the files event',
      },
    );

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(await closed).toBe(1001);
    expect(
      messages.some((m) => m.type === 'event' && m.channel === 'system' && m.event === 'shutdown'),
    ).toBe(true);
    await expect(stat(discoveryPath)).rejects.toThrow();
  });

  it('moves to the next port when the one asked for is taken, unless --strict-port', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    try {
      const server = await serve(['--port', String(taken)]);
      expect(server.wsUrl).not.toBe(`ws://127.0.0.1:${taken}/ws`);
      expect(server.stdout()).toContain(`Port ${taken} was in use`);
      server.child.kill('SIGINT');
      expect(await server.exited).toBe(0);

      const strict = await serve(['--port', String(taken), '--strict-port']);
      expect(await strict.exited).toBe(1);
      expect(strict.stderr()).toContain(`port ${taken} is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('refuses to start a second sidecar for the same root', async () => {
    const first = await serve(['--port', '0']);
    const second = run(['serve', '--root', first.root, '--port', '0'], {
      XDG_RUNTIME_DIR: first.runtimeDir,
    });
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toContain('already running');
    first.child.kill('SIGTERM');
    await first.exited;
  });
});

describe('sidecar tail', () => {
  it('finds the running sidecar through the discovery file and prints events as NDJSON', async () => {
    const server = await serve(['--port', '0']);
    const follower = run(['tail', 'files', '--json', '--root', server.root], {
      XDG_RUNTIME_DIR: server.runtimeDir,
    });
    await waitFor(() => follower.stderr().includes('following'), {
      message: `tail to connect: ${follower.stderr()}`,
    });
    await writeFile(join(server.root, 'tailed.txt'), 'x');
    const line = await waitFor(
      () =>
        follower
          .stdout()
          .split('\n')
          .find((l) => l.includes('tailed.txt')),
      {
        message: 'the event line',
      },
    );
    expect(JSON.parse(line ?? '')).toMatchObject({
      type: 'event',
      channel: 'files',
      event: 'add',
      data: { file: 'tailed.txt' },
    });
    follower.child.kill('SIGINT');
    expect(await follower.exited).toBe(0);
    server.child.kill('SIGTERM');
    await server.exited;
  });

  it('says how to start a sidecar when none is running, and refuses unknown channels', async () => {
    const runtimeDir = await tempDir('sidecar-runtime-');
    const none = run(['tail', '--root', await tempDir()], { XDG_RUNTIME_DIR: runtimeDir });
    expect(await none.exited).toBe(1);
    expect(none.stderr()).toContain('no sidecar is running');
    const unknown = run(['tail', 'nope'], { XDG_RUNTIME_DIR: runtimeDir });
    expect(await unknown.exited).toBe(2);
    expect(unknown.stderr()).toContain('unknown channel nope');
  });
});

describe('sidecar status and publish', () => {
  it('reports the running sidecar and publishes events through the producer API', async () => {
    const server = await serve(['--port', '0']);
    const env = { XDG_RUNTIME_DIR: server.runtimeDir };
    const status = run(['status', '--json', '--root', server.root], env);
    expect(await status.exited).toBe(0);
    expect(JSON.parse(status.stdout())).toMatchObject({
      name: 'sidecar',
      root: server.root,
      sources: expect.arrayContaining([
        expect.objectContaining({ name: 'files', state: 'running' }),
        expect.objectContaining({ name: 'ai', state: 'running' }),
        // The temp root is no git repository.
        expect.objectContaining({ name: 'git', state: 'unavailable' }),
        expect.objectContaining({
          name: 'search',
          state: 'running',
          message: expect.stringMatching(/^ripgrep \d/),
        }),
      ]),
    });
    const human = run(['status', '--root', server.root], env);
    expect(await human.exited).toBe(0);
    expect(human.stdout()).toMatch(/files\s+running/);
    expect(human.stdout()).toMatch(/search\s+running/);

    const published = run(
      ['publish', 'custom:build', 'done', '{"ok":true}', '--root', server.root],
      env,
    );
    expect(await published.exited).toBe(0);
    expect(JSON.parse(published.stdout())).toEqual({ channel: 'custom:build', seq: 1 });

    const forbidden = run(['publish', 'git', 'status', '--root', server.root], env);
    expect(await forbidden.exited).toBe(2);
    expect(forbidden.stderr()).toContain('cannot publish on "git"');
    const badJson = run(['publish', 'custom:x', 'e', '{nope', '--root', server.root], env);
    expect(await badJson.exited).toBe(2);
    expect(badJson.stderr()).toContain('data is not valid JSON');
    const badChunk = run(
      ['publish', 'ai-response', 'chunk', '{"id":"s"}', '--root', server.root],
      env,
    );
    expect(await badChunk.exited).toBe(1);
    expect(badChunk.stderr()).toContain('INVALID_PARAMS');

    server.child.kill('SIGTERM');
    await server.exited;
  });
});

describe('bad flags and config', () => {
  it.each([
    [['serve', '--port', 'abc'], /invalid --port: expected a whole number/],
    [['serve', '--port', ''], /invalid --port: expected a whole number from 0 to 65535 \(got ""\)/],
    [['serve', '--heartbeat', '1e3'], /invalid --heartbeat: expected a whole number/],
    [['serve', '--rate-limit', '0x10'], /invalid --rate-limit: expected a number/],
    [['serve', '--bogus'], /unknown option '--bogus'/],
    [['serve', '--log-level', 'loud'], /Allowed choices are/],
    [['serve', '--host', '0.0.0.0', '--no-auth'], /auth off \(--no-auth\) is refused/],
    [['serve', '--root', '/no/such/folder'], /is not a folder/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['tail', '--url', 'not a url'], /invalid --url/],
  ])('sidecar %j exits 2 with a message naming the problem', async (args, message) => {
    const result = run(args);
    expect(await result.exited).toBe(2);
    expect(result.stderr()).toMatch(message);
  });

  it('says that a --root naming a file is not a folder', async () => {
    const file = join(await tempDir(), 'notes.txt');
    await writeFile(file, 'hello');
    const result = run(['serve', '--root', file]);
    expect(await result.exited).toBe(2);
    expect(result.stderr()).toBe(`sidecar: invalid root: "${file}" is not a folder\n`);
  });

  it('refuses a deeply nested config file with one short line', async () => {
    const depth = 20_000;
    const nested = `${'['.repeat(depth)}1${']'.repeat(depth)}`;
    const server = '{"name":"x","command":"x","extensions":[".x"],"initializationOptions":';
    for (const [text, key] of [
      [`{"port":${nested}}`, 'port'],
      [`{"lsp":[${server}${nested}}]}`, 'lsp'],
      [`{"port":"${'9'.repeat(100_000)}"}`, 'port'],
    ] as const) {
      const root = await tempDir();
      await writeFile(join(root, 'sidecar.config.json'), text);
      const result = run(['serve', '--root', root]);
      expect(await result.exited).toBe(2);
      expect(result.stderr()).toMatch(
        new RegExp(`^sidecar: invalid "${key}" in sidecar.config.json: [^\\n]+\\n$`),
      );
      expect(result.stderr().length).toBeLessThan(200);
    }
  });

  it('names the config key and the variable that are wrong', async () => {
    const root = await tempDir();
    await writeFile(join(root, 'sidecar.config.json'), JSON.stringify({ heartbeatMs: 'often' }));
    const badConfig = run(['serve', '--root', root]);
    expect(await badConfig.exited).toBe(2);
    expect(badConfig.stderr()).toContain('"heartbeatMs" in sidecar.config.json');
    const badEnv = run(['serve', '--root', await tempDir()], { SIDECAR_HISTORY: 'lots' });
    expect(await badEnv.exited).toBe(2);
    expect(badEnv.stderr()).toContain('SIDECAR_HISTORY');
    const blankEnv = run(['serve', '--root', await tempDir()], { SIDECAR_PORT: ' ' });
    expect(await blankEnv.exited).toBe(2);
    expect(blankEnv.stderr()).toContain('invalid SIDECAR_PORT: expected a whole number');
    await writeFile(
      join(root, 'sidecar.config.json'),
      JSON.stringify({ search: { maxResults: 0 } }),
    );
    const badSearch = run(['serve', '--root', root]);
    expect(await badSearch.exited).toBe(2);
    expect(badSearch.stderr()).toContain(
      'invalid "search" in sidecar.config.json at maxResults: expected a whole number from 1 to 20000',
    );
    const badServer = await tempDir();
    const lsp = [{ name: 'py', command: 'pyright-langserver', extensions: 'py' }];
    await writeFile(join(badServer, 'sidecar.config.json'), JSON.stringify({ lsp }));
    const badLsp = run(['serve', '--root', badServer]);
    expect(await badLsp.exited).toBe(2);
    expect(badLsp.stderr()).toContain('invalid "lsp" in sidecar.config.json at [0].extensions');
  });

  it('hands the search section of the config file to the search source', async () => {
    const configDir = await tempDir('sidecar-config-');
    const config = join(configDir, 'sidecar.config.json');
    await writeFile(config, JSON.stringify({ search: { engine: 'builtin' } }));
    const server = await serve(['--port', '0', '--config', config]);
    const status = run(['status', '--json', '--root', server.root], {
      XDG_RUNTIME_DIR: server.runtimeDir,
    });
    expect(await status.exited).toBe(0);
    expect(JSON.parse(status.stdout()).sources).toContainEqual({
      name: 'search',
      channel: 'search',
      state: 'running',
      message: 'built-in engine',
    });
  });
});

describe('language servers from the config file', () => {
  it('reports a configured server that is not installed on system, and serves on', async () => {
    const root = await tempDir();
    const lsp = [{ name: 'missing', command: 'no-such-language-server', extensions: ['.py'] }];
    await writeFile(join(root, 'sidecar.config.json'), JSON.stringify({ lsp }));
    const runtimeDir = await tempDir('sidecar-runtime-');
    const server = run(['serve', '--root', root, '--port', '0'], { XDG_RUNTIME_DIR: runtimeDir });
    await waitFor(() => server.stdout().includes('WebSocket:'), { message: 'the banner' });
    const status = run(['status', '--json', '--root', root], { XDG_RUNTIME_DIR: runtimeDir });
    expect(await status.exited).toBe(0);
    expect(JSON.parse(status.stdout()).sources).toContainEqual({
      name: 'diagnostics:missing',
      channel: 'diagnostics',
      state: 'unavailable',
      message:
        'command "no-such-language-server" was not found on PATH; install it or give its full path',
    });
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });
});

describe('help and version', () => {
  it('prints the version and the help, exiting 0', async () => {
    const pkg = JSON.parse(
      await readFile(new URL('../../../package.json', import.meta.url), 'utf8'),
    );
    const version = run(['--version']);
    expect(await version.exited).toBe(0);
    expect(version.stdout().trim()).toBe(pkg.version);
    const help = run(['serve', '--help']);
    expect(await help.exited).toBe(0);
    expect(help.stdout()).toContain('--strict-port');
    expect(help.stdout()).toContain('--allow-origin');
  });
});
