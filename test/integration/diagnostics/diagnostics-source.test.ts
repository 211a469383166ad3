import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LspServerConfig } from '../../../src/app/options.js';
import type { DiagnosticsSnapshot, SourceStateData } from '../../../src/protocol/index.js';
import {
  type FakeServerMode,
  fakeServerConfig,
  writeFakeServer,
} from '../../sources/diagnostics/fake-server.js';
import {
  type DiagnosticsHarness,
  processGroupMembers,
  useDiagnosticsHarness,
} from '../../sources/diagnostics/harness.js';
import { makeTempDir, waitFor } from '../../support/server.js';

const start = useDiagnosticsHarness();

/** A temp workspace with the fake server script and `files`, served with `servers`. */
async function workspace(
  files: Record<string, string>,
  servers: (script: string) => LspServerConfig[],
  options: Parameters<typeof start>[1] = {},
): Promise<DiagnosticsHarness & { root: string }> {
  const root = await makeTempDir('sidecar-diagnostics-');
  const script = await writeFakeServer(root);
  for (const [file, text] of Object.entries(files)) await writeFile(join(root, file), text);
  const harness = await start(root, { servers: servers(script), ...options });
  return Object.assign(harness, { root });
}

const fake =
  (mode: FakeServerMode, name = 'fake') =>
  (script: string) => [fakeServerConfig(name, script, mode)];

const hasState = (states: SourceStateData[], state: string, message?: RegExp) =>
  states.some((s) => s.state === state && (!message || message.test(s.message ?? '')));

/** Quick restarts, so a failing server is given up on within a test. */
const FAST_FAILURE = {
  restart: { initialDelayMs: 20, maxDelayMs: 100, maxCrashes: 3, windowMs: 60_000 },
};

describe.each(['push', 'pull'] as const)('the diagnostics source with a %s server', (mode) => {
  it('reports problems, clears fixed ones and answers diagnostics.get', async () => {
    const h = await workspace({ 'a.txt': 'fine\nERROR one\n', 'b.txt': 'all good\n' }, fake(mode));
    await waitFor(() => h.latest('a.txt')?.diagnostics.length, { message: 'a.txt problems' });
    const update = h.latest('a.txt')!;
    expect(update).toMatchObject({
      file: 'a.txt',
      server: 'fake',
      summary: { errors: 1, warnings: 0, infos: 0, hints: 0 },
    });
    expect(update.uri).toMatch(/^file:\/\/.*\/a\.txt$/);
    expect(update.diagnostics).toEqual([
      {
        range: { start: { line: 1, character: 0 }, end: { line: 1, character: 9 } },
        severity: 'error',
        message: 'ERROR one',
        code: 'E1',
        source: 'fake',
      },
    ]);
    // A clean file never gets an `updated`: an unchanged empty set is not news.
    expect(h.updates().some((u) => u.file === 'b.txt')).toBe(false);

    await writeFile(join(h.root, 'b.txt'), 'ERROR two\nERROR three\n');
    await waitFor(() => h.latest('b.txt')?.diagnostics.length === 2, { message: 'b.txt' });
    expect(h.latest('b.txt')!.summary.errors).toBe(3);
    const one = await h.request<DiagnosticsSnapshot>('diagnostics.get', { file: './b.txt' });
    expect(one.files.map((f) => f.file)).toEqual(['b.txt']);
    expect(one.summary.errors).toBe(2);

    await writeFile(join(h.root, 'a.txt'), 'fine\nfixed\n');
    await waitFor(() => h.latest('a.txt')?.diagnostics.length === 0, { message: 'a.txt fixed' });
    expect(h.latest('a.txt')!.summary).toEqual({ errors: 2, warnings: 0, infos: 0, hints: 0 });
    const all = await h.request<DiagnosticsSnapshot>('diagnostics.get');
    expect(all).toEqual({
      files: [expect.objectContaining({ file: 'b.txt', server: 'fake' })],
      summary: { errors: 2, warnings: 0, infos: 0, hints: 0 },
    });
  });
});

describe('the diagnostics source', () => {
  it('answers the server: configuration from settings, progress forwarded on system', async () => {
    const h = await workspace({ 'c.txt': 'CONFIG\n' }, fake('push'));
    // The client answered workspace/configuration from `settings`, null for what is not set.
    await waitFor(() => h.latest('c.txt')?.diagnostics[0]?.message.startsWith('config ['), {
      message: 'the configuration answer',
    });
    expect(h.latest('c.txt')!.diagnostics[0]).toMatchObject({
      severity: 'info',
      message: 'config ["strict",null]',
    });
    await waitFor(() => hasState(h.states('diagnostics:fake'), 'running', /^Indexing fake/), {
      message: 'progress on system',
    });
    // …and the end of the task is reported too.
    await waitFor(() => h.states('diagnostics:fake').at(-1)?.message === undefined, {
      message: 'progress end',
    });
  });

  it('sends a new subscriber the current problems as a snapshot', async () => {
    const h = await workspace({ 'a.txt': 'ERROR here\n' }, fake('push'));
    await waitFor(() => h.latest('a.txt'), { message: 'a.txt' });
    h.client.send({ type: 'unsubscribe', channels: ['diagnostics'], id: 'u' });
    await h.client.response('u');
    h.client.messages.length = 0;
    h.client.send({ type: 'subscribe', channels: ['diagnostics'], id: 's2' });
    await h.client.response('s2');
    expect(h.snapshot()).toEqual({
      files: [expect.objectContaining({ file: 'a.txt', server: 'fake' })],
      summary: { errors: 1, warnings: 0, infos: 0, hints: 0 },
    });
  });

  it('clears the problems of a deleted file', async () => {
    const h = await workspace({ 'a.txt': 'ERROR here\n' }, fake('push'));
    await waitFor(() => h.latest('a.txt')?.diagnostics.length, { message: 'a.txt' });
    await rm(join(h.root, 'a.txt'));
    await waitFor(() => h.latest('a.txt')?.diagnostics.length === 0, { message: 'cleared' });
    expect(h.latest('a.txt')!.summary.errors).toBe(0);
  });

  it('past maxOpenFiles says so, and opens a file that changes in place of a clean one', async () => {
    const h = await workspace(
      { 'a.txt': 'clean\n', 'b.txt': 'ERROR b\n', 'c.txt': 'ERROR c\n' },
      fake('push'),
      { maxOpenFiles: 2 },
    );
    await waitFor(() => h.latest('b.txt'), { message: 'b.txt' });
    await waitFor(() => hasState(h.states('diagnostics:fake'), 'running', /checking 2 of 3/), {
      message: 'the cap on system',
    });
    expect(h.latest('c.txt')).toBeUndefined();
    await writeFile(join(h.root, 'c.txt'), 'ERROR c, edited\n');
    await waitFor(() => h.latest('c.txt'), { message: 'c.txt once it changed' });
    // b.txt (with problems) stayed open; clean a.txt made room.
    const all = await h.request<DiagnosticsSnapshot>('diagnostics.get');
    expect(all.files.map((f) => f.file)).toEqual(['b.txt', 'c.txt']);
  });

  it('reports a configured server that is not installed, and runs the others', async () => {
    const h = await workspace({ 'a.txt': 'ERROR here\n' }, (script) => [
      { name: 'missing', command: 'no-such-language-server-xyz', extensions: ['.py'] },
      fakeServerConfig('fake', script, 'push'),
    ]);
    await waitFor(() => h.latest('a.txt'), { message: 'the working server' });
    expect(h.states('diagnostics:missing')).toEqual([
      {
        name: 'diagnostics:missing',
        channel: 'diagnostics',
        state: 'unavailable',
        message:
          'command "no-such-language-server-xyz" was not found on PATH; install it or give its full path',
      },
    ]);
    expect(hasState(h.states('diagnostics'), 'running')).toBe(true);
  });

  it('is unavailable, with the reason, when no server can run', async () => {
    const h = await workspace({}, () => [
      { name: 'missing', command: './not-here', extensions: ['.py'] },
    ]);
    await waitFor(() => hasState(h.states('diagnostics'), 'unavailable'), {
      message: 'unavailable',
    });
    expect(h.states('diagnostics').at(-1)!.message).toContain('missing: command "./not-here"');
    const response = await h.call('diagnostics.get');
    expect(response.error?.code).toBe('UNAVAILABLE');
    // The rest of the sidecar runs on.
    const info = await h.request<{ sources: SourceStateData[] }>('server.info');
    expect(info.sources).toContainEqual({ name: 'files', channel: 'files', state: 'running' });
  });

  it('rejects a file outside the root', async () => {
    const h = await workspace({ 'a.txt': 'x\n' }, fake('push'));
    for (const file of ['../etc/passwd', '/etc/passwd', 'a/../../b', '']) {
      const response = await h.call('diagnostics.get', { file });
      expect(response.error).toMatchObject({ code: 'INVALID_PARAMS', details: { field: 'file' } });
    }
    expect((await h.call('diagnostics.get', { nope: 1 })).error?.code).toBe('INVALID_PARAMS');
  });
});

describe('a misbehaving language server', () => {
  const cases: [FakeServerMode, RegExp, Parameters<typeof start>[1]?][] = [
    ['crash', /fake exited with code 3: fake server: boom/],
    ['garbage', /fake sent malformed JSON-RPC: a body that is not JSON/],
    ['not-jsonrpc', /fake sent malformed JSON-RPC: not a request, response or notification/],
    ['hang', /fake did not answer initialize within 300 ms/, { initializeTimeoutMs: 300 }],
    [
      'flood',
      /fake flooded sidecar with more than 2000 messages within 1000 ms/,
      { limits: { maxMessagesPerWindow: 2000, windowMs: 1000 } },
    ],
  ];
  it.each(cases)('(%s) is restarted with backoff, then marked failed', async (mode, why, extra) => {
    const h = await workspace({ 'a.txt': 'ERROR\n' }, fake(mode), { ...FAST_FAILURE, ...extra });
    await waitFor(() => hasState(h.states('diagnostics:fake'), 'failed'), {
      timeoutMs: 30_000,
      message: `failed; states: ${JSON.stringify(h.states('diagnostics:fake'))}`,
    });
    const states = h.states('diagnostics:fake');
    const restarts = states.filter((s) => s.state === 'error');
    expect(restarts.map((s) => s.message)).toEqual([
      expect.stringMatching(new RegExp(`${why.source}.*; restarting in 20 ms$`)),
      expect.stringMatching(new RegExp(`${why.source}.*; restarting in 40 ms$`)),
    ]);
    expect(states.at(-1)!.message).toMatch(
      new RegExp(`${why.source}.*; it failed 3 times within 60 s and is left stopped$`),
    );
    // A failed server is left stopped: no process of it remains.
    expect(h.source.servers()).toEqual([{ name: 'fake', pid: undefined }]);
    // The sidecar itself is fine.
    expect((await h.call('diagnostics.get')).result).toBeDefined();
  });

  it('leaves no process behind when the sidecar closes', async () => {
    const h = await workspace({ 'a.txt': 'ERROR\n' }, fake('push'));
    await waitFor(() => h.latest('a.txt'), { message: 'a.txt' });
    const pid = h.source.servers()[0]!.pid!;
    expect(processGroupMembers(pid)).toContain(pid);
    await h.sidecar.close();
    await waitFor(() => processGroupMembers(pid).length === 0, { message: 'the group to be gone' });
    expect(h.sidecar.info().sources).toContainEqual({
      name: 'diagnostics:fake',
      channel: 'diagnostics',
      state: 'stopped',
    });
  });
});
