import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type {
  EventMessage,
  SearchDoneData,
  SearchMatch,
  SearchProgressData,
  SearchResultsData,
  ServerMessage,
} from '../../../src/protocol/index.js';
import { createFilesSource } from '../../../src/sources/files/index.js';
import {
  createSearchSource,
  type SearchSource,
  type SearchSourceOptions,
} from '../../../src/sources/search/index.js';
import { sortResults, writeTree } from '../../sources/search/support.js';
import { childProcessesRunning, isProcessGone } from '../../support/processes.js';
import { makeTempDir, rawClient, startTestSidecar, waitFor } from '../../support/server.js';

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(cleanups.map((cleanup) => cleanup()));
  cleanups = [];
});

const manyLines = Array.from({ length: 50 }, (_, i) => `match number ${i}`).join('\n');
/** 400 lines of 2,000 `a`s: rg writes ~40 MB of JSON for the query `a`, so it is still busy. */
const busyFile = `${'a'.repeat(2000)}\n`.repeat(400);
/** Exponential backtracking for a JavaScript regex: the built-in engine never gets past it. */
const catastrophicLine = `${'a'.repeat(60)}!\n`;

async function searchWorkspace(options: SearchSourceOptions = {}, { watchFiles = false } = {}) {
  const root = await makeTempDir('sidecar-search-ws-');
  await writeTree(root, {
    '.gitignore': 'ignored/\n',
    'src/app.ts': 'const value = 1; // TODO: rename\nexport default value;\n',
    'src/other.ts': 'TODO first\nnothing\ntodo last\n',
    'ignored/skip.ts': 'TODO ignored\n',
    'many.txt': manyLines,
    'busy/a.txt': busyFile,
    'slow/bad.txt': catastrophicLine,
  });
  const source = createSearchSource(options);
  const sources = watchFiles ? [createFilesSource(), source] : [source];
  const { sidecar, cleanup } = await startTestSidecar({ root, sources });
  cleanups.push(async () => {
    await cleanup();
    await rm(root, { recursive: true, force: true });
  });
  return { root, sidecar, source };
}

/** A client subscribed to `search`, with helpers to start searches and read their events. */
async function searchClient(sidecar: Parameters<typeof rawClient>[0]) {
  const client = await rawClient(sidecar);
  client.send({ type: 'subscribe', channel: 'search', id: 'sub' });
  await client.response('sub');
  let requests = 0;
  const request = async (method: string, params: unknown) => {
    const id = `r${++requests}`;
    client.send({ type: 'request', id, method, params });
    return client.response(id);
  };
  const start = async (params: unknown) => {
    const response = await request('search.start', params);
    return (response.result as { searchId: string } | undefined)?.searchId ?? '';
  };
  const eventsOf = (searchId: string) =>
    client.messages.filter(
      (m): m is EventMessage =>
        m.type === 'event' &&
        m.channel === 'search' &&
        (m.data as { searchId?: string }).searchId === searchId,
    );
  const done = async (searchId: string) =>
    (
      await client.next<EventMessage>(
        (m) =>
          m.type === 'event' &&
          m.channel === 'search' &&
          m.event === 'done' &&
          (m.data as SearchDoneData).searchId === searchId,
        60_000,
      )
    ).data as SearchDoneData;
  const resultsOf = (searchId: string): SearchMatch[] =>
    eventsOf(searchId)
      .filter((m) => m.event === 'results')
      .flatMap((m) => (m.data as SearchResultsData).results);
  return { client, request, start, eventsOf, done, resultsOf };
}

const codeOf = (message: ServerMessage) => (message as { error?: { code: string } }).error?.code;

/** The parent of a process, from `/proc/<pid>/stat` ("pid (comm) state ppid …"). */
function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

describe('the search channel end to end', () => {
  it('answers search.start with a searchId, then streams progress, results and one done', async () => {
    const { sidecar } = await searchWorkspace();
    const { client, start, eventsOf, done, resultsOf } = await searchClient(sidecar);
    const searchId = await start({ query: 'todo' });
    expect(searchId).toMatch(/^[0-9a-f-]{36}$/);
    const summary = await done(searchId);
    const events = eventsOf(searchId);
    // The response comes before any event of its search.
    const responseIndex = client.messages.findIndex((m) => m.type === 'response' && m.id === 'r1');
    expect(client.messages.indexOf(events[0]!)).toBeGreaterThan(responseIndex);
    expect(events[0]!.event).toBe('progress');
    expect(events[0]!.data as SearchProgressData).toMatchObject({
      searchId,
      query: 'todo',
      engine: 'ripgrep',
      count: 0,
    });
    expect(events.filter((m) => m.event === 'done')).toHaveLength(1);
    expect(events.at(-1)!.event).toBe('done');
    const seqs = events.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(summary).toEqual({
      searchId,
      query: 'todo',
      count: 3,
      filesSearched: 6, // .gitignore too: hidden files are searched
      durationMs: expect.any(Number),
      truncated: false,
      cancelled: false,
      engine: 'ripgrep',
    });
    expect(sortResults(resultsOf(searchId))).toEqual([
      {
        file: 'src/app.ts',
        line: 1,
        column: 20,
        text: 'const value = 1; // TODO: rename',
        matches: [{ start: 20, end: 24 }],
      },
      {
        file: 'src/other.ts',
        line: 1,
        column: 0,
        text: 'TODO first',
        matches: [{ start: 0, end: 4 }],
      },
      {
        file: 'src/other.ts',
        line: 3,
        column: 0,
        text: 'todo last',
        matches: [{ start: 0, end: 4 }],
      },
    ]);
  });

  it('uses the built-in engine when rg is not on PATH, with the same results', async () => {
    const { sidecar: withRg } = await searchWorkspace();
    const rg = await searchClient(withRg);
    const rgId = await rg.start({ query: 'todo', contextLines: 1 });
    const rgDone = await rg.done(rgId);

    const emptyDir = await makeTempDir('sidecar-no-rg-');
    cleanups.push(() => rm(emptyDir, { recursive: true, force: true }));
    vi.stubEnv('PATH', emptyDir);
    const { sidecar } = await searchWorkspace();
    const info = await sidecar.info();
    expect(info.sources).toContainEqual({
      name: 'search',
      channel: 'search',
      state: 'running',
      message: 'built-in engine: ripgrep (rg) was not found on PATH',
    });
    const own = await searchClient(sidecar);
    const ownId = await own.start({ query: 'todo', contextLines: 1 });
    const ownDone = await own.done(ownId);
    expect(ownDone).toMatchObject({
      engine: 'builtin',
      count: rgDone.count,
      filesSearched: rgDone.filesSearched,
    });
    expect(sortResults(own.resultsOf(ownId))).toEqual(sortResults(rg.resultsOf(rgId)));
  });

  it('keeps filesSearched right as files come and go, counting again after a change', async () => {
    const { root, sidecar } = await searchWorkspace({}, { watchFiles: true });
    const { client, start, done } = await searchClient(sidecar);
    client.send({ type: 'subscribe', channel: 'files', id: 'files' });
    await client.response('files');
    const first = await done(await start({ query: 'todo' }));
    const again = await done(await start({ query: 'something else' }));
    expect(again.filesSearched).toBe(first.filesSearched);
    await writeTree(root, { 'src/new.ts': 'todo new\n' });
    await client.next((m) => m.type === 'event' && m.channel === 'files');
    const after = await done(await start({ query: 'todo' }));
    expect(after).toMatchObject({ filesSearched: first.filesSearched + 1, count: first.count + 1 });
  });

  it('under auto, searches a small workspace with the built-in engine once its size is known', async () => {
    const { sidecar } = await searchWorkspace();
    const { start, done, resultsOf } = await searchClient(sidecar);
    // Nothing has counted the workspace yet: ripgrep, whose search counts it (6 files).
    const first = await start({ query: 'todo' });
    expect(await done(first)).toMatchObject({ engine: 'ripgrep', filesSearched: 6 });
    const second = await start({ query: 'todo' });
    expect(await done(second)).toMatchObject({ engine: 'builtin', count: 3, filesSearched: 6 });
    expect(sortResults(resultsOf(second))).toEqual(sortResults(resultsOf(first)));
  });

  it('under auto, keeps ripgrep for a workspace of more than builtinUpTo files', async () => {
    const { sidecar } = await searchWorkspace({ builtinUpTo: 5 });
    const { start, done } = await searchClient(sidecar);
    for (let i = 0; i < 2; i++) {
      expect(await done(await start({ query: 'todo' }))).toMatchObject({ engine: 'ripgrep' });
    }
  });

  it('under auto, starts the spawner process once the files source finds a big workspace', async () => {
    const before = childProcessesRunning('spawner-process');
    const { sidecar } = await searchWorkspace({ builtinUpTo: 5 }, { watchFiles: true });
    // Before any search: the first one need not start rg from the server's own process.
    await waitFor(
      () => childProcessesRunning('spawner-process').some((pid) => !before.includes(pid)),
      { message: 'the spawner process' },
    );
    const { start, done } = await searchClient(sidecar);
    expect(await done(await start({ query: 'todo' }))).toMatchObject({
      engine: 'ripgrep',
      count: 3,
    });
  });

  it("under auto, learns the workspace's size from the files source's scan", async () => {
    const { sidecar } = await searchWorkspace({}, { watchFiles: true });
    const { start, done } = await searchClient(sidecar);
    // Searches with globs never tell the size: only the files source's `ready` can.
    await waitFor(
      async () =>
        (await done(await start({ query: 'todo', include: ['src/**'] }))).engine === 'builtin',
      { message: 'the built-in engine' },
    );
  });

  it('stops at maxResults with truncated: true', async () => {
    const { sidecar } = await searchWorkspace();
    const { start, done, resultsOf } = await searchClient(sidecar);
    const searchId = await start({ query: 'match number', maxResults: 5 });
    expect(await done(searchId)).toMatchObject({ count: 5, truncated: true, cancelled: false });
    expect(resultsOf(searchId)).toHaveLength(5);
    // Exactly as many as exist is not truncated.
    const exact = await start({ query: 'match number', maxResults: 50 });
    expect(await done(exact)).toMatchObject({ count: 50, truncated: false });
  });

  it('cancels a running ripgrep: the process is gone and done says cancelled', async () => {
    const { sidecar, source } = await searchWorkspace();
    const { request, start, done } = await searchClient(sidecar);
    /** Starts a long search, cancels it; the pid of the process that had started its rg. */
    const cancelOne = async () => {
      const searchId = await start({ query: 'a', include: ['busy/**'] });
      const pid = (await waitFor(() => (source as SearchSource).running()[0]?.pid, {
        message: 'rg pid',
      })) as number;
      expect(isProcessGone(pid)).toBe(false);
      const parent = parentOf(pid);
      expect((await request('search.cancel', { searchId })).result).toEqual({ cancelled: true });
      expect(await done(searchId)).toMatchObject({ cancelled: true, truncated: false });
      await waitFor(() => isProcessGone(pid), { message: 'rg to exit' });
      expect((source as SearchSource).running()).toEqual([]);
      expect((await request('search.cancel', { searchId })).result).toEqual({ cancelled: false });
      return parent;
    };
    // The first search starts rg itself; later ones, from the spawner's small process.
    expect(await cancelOne()).toBe(process.pid);
    await waitFor(async () => (await cancelOne()) !== process.pid, {
      message: 'rg started by the spawner process',
    });
  });

  it('cancels a built-in search stuck in a slow regex, and the server answers meanwhile', async () => {
    const { sidecar, source } = await searchWorkspace({ engine: 'builtin' });
    const { request, start, done } = await searchClient(sidecar);
    const searchId = await start({ query: '(a|aa)+$', regex: true, include: ['slow/**'] });
    await waitFor(() => (source as SearchSource).running().length === 1);
    expect((await request('server.info', undefined)).result).toMatchObject({ name: 'sidecar' });
    expect((await request('search.cancel', { searchId })).result).toEqual({ cancelled: true });
    expect(await done(searchId)).toMatchObject({ cancelled: true, engine: 'builtin', count: 0 });
    expect((source as SearchSource).running()).toEqual([]);
    // The terminated workers are replaced: the next search runs.
    const next = await start({ query: 'todo' });
    expect(await done(next)).toMatchObject({ count: 3, cancelled: false, engine: 'builtin' });
  });

  it('limits searches per client with RATE_LIMITED, leaving other clients free', async () => {
    const { sidecar } = await searchWorkspace({ maxConcurrentPerClient: 2 });
    const first = await searchClient(sidecar);
    const params = { query: 'a', include: ['busy/**'] };
    // Sent together: the third is refused before any search can end.
    for (const id of ['x1', 'x2', 'x3']) {
      first.client.send({ type: 'request', id, method: 'search.start', params });
    }
    const [one, two, three] = await Promise.all(
      ['x1', 'x2', 'x3'].map((id) => first.client.response(id)),
    );
    expect(three!.error).toMatchObject({ code: 'RATE_LIMITED', details: { limit: 2, running: 2 } });
    const other = await searchClient(sidecar);
    const otherId = await other.start({ query: 'TODO' });
    expect(await other.done(otherId)).toMatchObject({ count: 3, cancelled: false });
    for (const response of [one, two]) {
      const { searchId } = response!.result as { searchId: string };
      await first.request('search.cancel', { searchId });
      expect(await first.done(searchId)).toMatchObject({ cancelled: true });
    }
  });

  it('runs concurrent searches independently', async () => {
    const { sidecar } = await searchWorkspace();
    const { start, done, resultsOf } = await searchClient(sidecar);
    const [a, b] = await Promise.all([
      start({ query: 'match number 4' }),
      start({ query: 'rename' }),
    ]);
    const [doneA, doneB] = await Promise.all([done(a), done(b)]);
    expect(doneA.count).toBe(11); // 4 and 40–49
    expect(doneB.count).toBe(1);
    expect(resultsOf(a).every((r) => r.text.startsWith('match number 4'))).toBe(true);
    expect(resultsOf(b).map((r) => r.file)).toEqual(['src/app.ts']);
  });

  it('cancels the searches of a client that disconnects', async () => {
    const { sidecar, source } = await searchWorkspace();
    const watcher = await searchClient(sidecar);
    const leaving = await searchClient(sidecar);
    const searchId = await leaving.start({ query: 'a', include: ['busy/**'] });
    await waitFor(() => (source as SearchSource).running()[0]?.pid);
    leaving.client.close();
    expect(await watcher.done(searchId)).toMatchObject({ cancelled: true });
  });

  it('refuses bad params with INVALID_PARAMS naming the field and the problem', async () => {
    const { sidecar } = await searchWorkspace();
    const { client, request } = await searchClient(sidecar);
    const refusal = async (params: unknown) => (await request('search.start', params)).error;
    expect(await refusal({ query: '' })).toMatchObject({
      code: 'INVALID_PARAMS',
      details: { field: 'query' },
    });
    expect(await refusal({ query: 'a(b', regex: true })).toMatchObject({
      code: 'INVALID_PARAMS',
      message: 'params: "query": invalid regex: Unterminated group',
    });
    expect((await refusal({ query: '(?<=a)b', regex: true }))?.message).toMatch(
      /lookahead and lookbehind are not supported/,
    );
    expect((await refusal({ query: '(a)\\1', regex: true }))?.message).toMatch(/backreferences/);
    expect(await refusal({ query: 'x', include: ['../outside/**'] })).toMatchObject({
      code: 'INVALID_PARAMS',
      details: { field: 'include.0' },
    });
    expect((await refusal({ query: 'x', exclude: ['ok', '/etc/**'] }))?.message).toMatch(
      /"exclude.1": glob "\/etc\/\*\*" must be relative to the workspace root/,
    );
    expect((await refusal({ query: 'x', maxResults: 0 }))?.details).toMatchObject({
      field: 'maxResults',
    });
    expect((await refusal({ query: 'x', engine: 'fast' }))?.code).toBe('INVALID_PARAMS');
    expect((await request('search.cancel', {})).error?.code).toBe('INVALID_PARAMS');
    expect(
      codeOf((await request('search.cancel', { searchId: 'nope' })) as ServerMessage),
    ).toBeUndefined();
    expect(client.socket.readyState).toBe(client.socket.OPEN);
  });

  it('answers UNAVAILABLE when ripgrep is required but missing', async () => {
    const emptyDir = await makeTempDir('sidecar-no-rg-');
    cleanups.push(() => rm(emptyDir, { recursive: true, force: true }));
    const { sidecar } = await searchWorkspace({ engine: 'ripgrep', pathEnv: emptyDir });
    expect(sidecar.info().sources).toContainEqual({
      name: 'search',
      channel: 'search',
      state: 'unavailable',
      message: 'ripgrep (rg) was not found on PATH',
    });
    const { request } = await searchClient(sidecar);
    expect((await request('search.start', { query: 'x' })).error).toMatchObject({
      code: 'UNAVAILABLE',
      message: 'search is unavailable: ripgrep (rg) was not found on PATH',
    });
  });
});
