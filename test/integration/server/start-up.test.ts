/**
 * A client that connects while the sources are still starting (an IDE extension starts the
 * sidecar and connects at once) gets the answers of the started sources: its requests and its
 * snapshots wait for the start, bounded by the request timeout.
 *
 * Each source under test is real; only its start is held until the test lets it go, so the
 * client's messages deterministically reach the server while the source is starting.
 */

import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { SidecarOptions } from '../../../src/app/options.js';
import { createSidecar, type Sidecar } from '../../../src/app/sidecar.js';
import { defineMethod } from '../../../src/core/methods.js';
import type { Source } from '../../../src/core/source.js';
import type {
  EventMessage,
  GitStatus,
  ServerMessage,
  SnapshotMessage,
  SourceStateData,
  ValidationCompleteData,
  ValidationSnapshot,
} from '../../../src/protocol/index.js';
import { createAiSource, resolveAiOptions } from '../../../src/sources/ai/index.js';
import { createDiagnosticsSource } from '../../../src/sources/diagnostics/index.js';
import { createFilesSource } from '../../../src/sources/files/index.js';
import { createGitSource } from '../../../src/sources/git/index.js';
import { createSearchSource } from '../../../src/sources/search/index.js';
import {
  createValidationSource,
  resolveValidationOptions,
} from '../../../src/sources/validation/index.js';
import { fakeServerConfig, writeFakeServer } from '../../sources/diagnostics/fake-server.js';
import { openAiEvents, startFakeProvider, writeInPieces } from '../../support/fake-provider.js';
import { commitFile, makeRepository } from '../../support/git.js';
import {
  makeTempDir,
  type RawClient,
  rawClient,
  TEST_TOKEN,
  waitFor,
} from '../../support/server.js';

/** `source`, whose start begins only once `release()` is called. */
function held<S extends Source>(source: S): { source: S; release: () => void } {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    source: {
      ...source,
      start: async (ctx) => {
        await released;
        await source.start(ctx);
      },
    },
    release,
  };
}

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.map((cleanup) => cleanup()));
  cleanups = [];
});

/**
 * A sidecar that listens while its sources are still starting (as `sidecar serve` does between
 * binding its port and printing its banner), and a client connected to it.
 */
async function connectWhileStarting(
  options: SidecarOptions & { root: string },
  holds: { release: () => void }[] = [],
): Promise<{ sidecar: Sidecar; client: RawClient; started: Promise<void> }> {
  const sidecar = createSidecar({ port: 0, token: TEST_TOKEN, logLevel: 'silent', ...options });
  const started = sidecar.listen();
  cleanups.push(async () => {
    for (const hold of holds) hold.release();
    await started.catch(() => undefined);
    await sidecar.close();
    await rm(options.root, { recursive: true, force: true });
  });
  await waitFor(() => sidecar.port !== 0, { message: 'the sidecar to listen' });
  const client = await rawClient(sidecar);
  return { sidecar, client, started };
}

let ids = 0;
/** Sends a request; the returned promise is its response. */
function request(client: RawClient, method: string, params?: unknown) {
  const id = `r${++ids}`;
  client.send({ type: 'request', id, method, params });
  return client.response(id);
}

/** Resolves once the server has handled every message the client sent before. */
async function handled(client: RawClient): Promise<void> {
  const id = `p${++ids}`;
  client.send({ type: 'ping', id });
  await client.response(id);
}

const messagesOf = (client: RawClient, channel: string) =>
  client.messages.filter(
    (m): m is EventMessage | SnapshotMessage =>
      (m.type === 'event' || m.type === 'snapshot') && m.channel === channel,
  );

/** The channel's messages are one snapshot, then events each one seq past the one before. */
function expectSnapshotThenInOrder(client: RawClient, channel: string): SnapshotMessage {
  const [snapshot, ...events] = messagesOf(client, channel);
  expect(snapshot?.type).toBe('snapshot');
  const seqs = events.map((m) => m.seq);
  expect(events.every((m) => m.type === 'event')).toBe(true);
  expect(seqs).toEqual(seqs.map((_, index) => snapshot!.seq + index + 1));
  return snapshot as SnapshotMessage;
}

describe('a client that connects while the sources start', () => {
  it('validation: validation.run runs the configured check, and the snapshot lists it', async () => {
    const root = await makeTempDir('sidecar-start-validation-');
    const validation = held(
      createValidationSource(
        resolveValidationOptions([
          { name: 'check', command: process.execPath, args: ['-e', ''], triggers: [] },
        ]),
      ),
    );
    const { client } = await connectWhileStarting({ root, sources: [validation.source] }, [
      validation,
    ]);
    client.send({ type: 'subscribe', id: 'sub', channels: ['validation'] });
    const run = request(client, 'validation.run');
    await handled(client);
    validation.release();

    const { result, error } = await run;
    expect(error).toBeUndefined();
    const { runId, runs } = result as { runId: string; runs: { tool: string }[] };
    expect(runs.map((r) => r.tool)).toEqual(['check']);
    await client.response('sub');
    const snapshot = expectSnapshotThenInOrder(client, 'validation');
    expect((snapshot.data as ValidationSnapshot).validators.map((v) => v.tool)).toEqual(['check']);
    const complete = await client.next<EventMessage>(
      (m) =>
        m.type === 'event' &&
        m.event === 'complete' &&
        (m.data as ValidationCompleteData).runId === runId,
    );
    expect(complete.data).toMatchObject({ tool: 'check', ok: true, cancelled: false });
  });

  it('git: the snapshot is the first status, and no event is lost or sent twice around it', async () => {
    const root = await makeRepository();
    commitFile(root, 'README.md', 'hello\n', 'first commit');
    const git = held(createGitSource());
    // The files source is held too, so its `ready` comes after the subscribe, whatever the load.
    const filesSource = held(createFilesSource());
    const { client, started } = await connectWhileStarting(
      { root, sources: [git.source, filesSource.source] },
      [git, filesSource],
    );
    client.send({ type: 'subscribe', id: 'sub', channels: ['git', 'files', 'system'] });
    const status = request(client, 'git.status');
    await handled(client);
    filesSource.release();
    git.release();
    await started;

    expect((await status).result).toMatchObject({ branch: 'main', modified: [] });
    await client.response('sub');
    const snapshot = expectSnapshotThenInOrder(client, 'git');
    expect(snapshot.data).toMatchObject({ branch: 'main', head: { subject: 'first commit' } });
    // The first status was emitted while the subscribe waited: the snapshot holds it.
    expect(snapshot.seq).toBeGreaterThanOrEqual(1);
    // What the other channels sent meanwhile arrives once each, in order.
    const readies = () =>
      messagesOf(client, 'files').filter((m) => m.type === 'event' && m.event === 'ready');
    await waitFor(() => readies().length > 0, { message: "the files source's ready" });
    expect(readies()).toHaveLength(1);
    const system = messagesOf(client, 'system').map((m) => m.seq);
    expect(system).toEqual([...new Set(system)].sort((a, b) => a - b));
    const gitStates = messagesOf(client, 'system')
      .filter((m) => m.type === 'event' && m.event === 'source')
      .map((m) => m.data as SourceStateData)
      .filter((data) => data.name === 'git')
      .map((data) => data.state);
    expect(gitStates).toContain('running');
  });

  it('git: a lock on the index at start delays the first status, and the snapshot waits for it', async () => {
    const root = await makeRepository();
    commitFile(root, 'README.md', 'hello\n', 'first commit');
    // Left behind by a crashed git: the source waits for it a while, then reads anyway.
    await writeFile(join(root, '.git', 'index.lock'), '');
    const { client } = await connectWhileStarting({ root, sources: [createGitSource()] });
    client.send({ type: 'subscribe', id: 'sub', channel: 'git' });
    const status = request(client, 'git.status');

    expect((await status).result).toMatchObject({ branch: 'main' });
    await client.response('sub');
    const snapshot = expectSnapshotThenInOrder(client, 'git');
    expect((snapshot.data as GitStatus | null)?.branch).toBe('main');
  });

  it('git outside a repository: the snapshot is null and git.status gives the reason', async () => {
    const root = await makeTempDir('sidecar-start-no-repo-');
    const git = held(createGitSource());
    const { sidecar, client } = await connectWhileStarting({ root, sources: [git.source] }, [git]);
    client.send({ type: 'subscribe', id: 'sub', channel: 'git' });
    const status = request(client, 'git.status');
    await handled(client);
    git.release();

    const { error } = await status;
    const state = sidecar.info().sources.find((s) => s.name === 'git');
    expect(state?.state).toBe('unavailable');
    expect(error).toEqual({ code: 'UNAVAILABLE', message: state?.message });
    await client.response('sub');
    expect(expectSnapshotThenInOrder(client, 'git').data).toBeNull();
  });

  it('diagnostics: diagnostics.get answers once the language servers are started', async () => {
    const root = await makeTempDir('sidecar-start-diagnostics-');
    const script = await writeFakeServer(root);
    await writeFile(join(root, 'a.txt'), 'fine\n');
    const diagnostics = held(
      createDiagnosticsSource({ servers: [fakeServerConfig('fake', script, 'push')] }),
    );
    const { client } = await connectWhileStarting({ root, sources: [diagnostics.source] }, [
      diagnostics,
    ]);
    const get = request(client, 'diagnostics.get');
    await handled(client);
    diagnostics.release();

    expect(await get).toMatchObject({
      result: { files: [], summary: { errors: 0, warnings: 0, infos: 0, hints: 0 } },
    });
  });

  it('search: search.start starts the search once the engine is chosen', async () => {
    const root = await makeTempDir('sidecar-start-search-');
    await writeFile(join(root, 'notes.txt'), 'one TODO here\n');
    const search = held(createSearchSource({ engine: 'builtin' }));
    const { client } = await connectWhileStarting({ root, sources: [search.source] }, [search]);
    client.send({ type: 'subscribe', id: 'sub', channel: 'search' });
    const start = request(client, 'search.start', { query: 'TODO' });
    await handled(client);
    search.release();

    const { result, error } = await start;
    expect(error).toBeUndefined();
    const { searchId } = result as { searchId: string };
    const done = await client.next<EventMessage>(
      (m) =>
        m.type === 'event' &&
        m.event === 'done' &&
        (m.data as { searchId?: string }).searchId === searchId,
    );
    expect(done.data).toMatchObject({ count: 1, cancelled: false });
  });

  it('ai: ai.chat streams the answer once the ai source has started', async () => {
    const root = await makeTempDir('sidecar-start-ai-');
    const fake = await startFakeProvider(
      (_request, response) => writeInPieces(response, openAiEvents(['Hi', '!']).join('')),
      '/v1',
    );
    cleanups.push(() => fake.close());
    const ai = held(
      createAiSource(
        resolveAiOptions({
          providers: [{ name: 'local', type: 'openai-compatible', baseUrl: fake.baseUrl }],
        }),
      ),
    );
    const { client } = await connectWhileStarting({ root, sources: [ai.source] }, [ai]);
    client.send({ type: 'subscribe', id: 'sub', channel: 'ai-response' });
    const chat = request(client, 'ai.chat', {
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'Hello?' }],
    });
    await handled(client);
    ai.release();

    const { result, error } = await chat;
    expect(error).toBeUndefined();
    const { id } = result as { id: string };
    const end = await client.next<EventMessage>(
      (m) => m.type === 'event' && m.event !== 'chunk' && (m.data as { id?: string }).id === id,
    );
    expect(end).toMatchObject({ event: 'done', data: { id, finished: true } });
  });

  it('a call that waits past its timeout answers TIMEOUT naming the source; bad params at once', async () => {
    const root = await makeTempDir('sidecar-start-slow-');
    const slow = held<Source>({
      name: 'slow',
      channel: 'custom:slow',
      start: async () => {},
      stop: async () => {},
      methods: [
        defineMethod({
          name: 'slow.echo',
          params: z.object({ text: z.string() }).strict(),
          timeoutMs: 100,
          handler: ({ text }) => text,
        }),
      ],
    });
    const { client } = await connectWhileStarting({ root, sources: [slow.source] }, [slow]);

    expect((await request(client, 'slow.echo', { text: 1 })).error?.code).toBe('INVALID_PARAMS');
    expect((await request(client, 'slow.echo', { text: 'hi' })).error).toEqual({
      code: 'TIMEOUT',
      message: 'slow.echo did not finish within 100 ms: the slow source is still starting',
    });
  });

  it('subscribe and unsubscribe sent while a source starts take effect in the order sent', async () => {
    const root = await makeRepository();
    commitFile(root, 'README.md', 'hello\n', 'first commit');
    const git = held(createGitSource());
    const { sidecar, client } = await connectWhileStarting({ root, sources: [git.source] }, [git]);
    client.send({ type: 'subscribe', id: 'sub', channel: 'git' });
    client.send({ type: 'unsubscribe', id: 'unsub', channel: 'git' });
    await handled(client);
    git.release();

    await client.response('unsub');
    const answers = client.messages
      .filter((m): m is Extract<ServerMessage, { type: 'response' }> => m.type === 'response')
      .map((m) => m.id);
    expect(answers.indexOf('sub')).toBeGreaterThanOrEqual(0);
    expect(answers.indexOf('sub')).toBeLessThan(answers.indexOf('unsub'));
    expect(messagesOf(client, 'git').map((m) => m.type)).toEqual(['snapshot']);
    expect(messagesOf(client, 'git')[0]!.data).toMatchObject({ branch: 'main' });
    expect(sidecar.connections().map((c) => c.subscriptions)).toEqual([[]]);
  });
});
