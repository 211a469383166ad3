/**
 * `client.watch()` against the real sidecar: the live state follows a state channel's snapshot
 * and events, starts over from the fresh snapshot after a server restart, reaches a watcher
 * that comes after the snapshot, and catches up an AI stream joined mid-way with `ai.get`.
 */
import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createSidecar, type Sidecar } from '../../../src/app/sidecar.js';
import {
  connect,
  type DiagnosticsSnapshot,
  type DiagnosticsState,
  type SidecarClient,
} from '../../../src/client/index.js';
import { createAiSource } from '../../../src/sources/ai/index.js';
import { makeTempDir, TEST_TOKEN, waitFor } from '../../support/server.js';

const servers: Sidecar[] = [];
const clients: SidecarClient[] = [];
const roots: string[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(servers.splice(0).map((server) => server.close('test done')));
  await Promise.all(roots.splice(0).map((root) => rm(root, { recursive: true, force: true })));
});

async function start(options: { port?: number; snapshot?: DiagnosticsSnapshot; ai?: boolean }) {
  const root = await makeTempDir();
  roots.push(root);
  const sidecar = createSidecar({
    root,
    port: options.port ?? 0,
    strictPort: options.port !== undefined,
    token: TEST_TOKEN,
    sources: options.ai ? [createAiSource()] : [],
    logLevel: 'silent',
    discovery: false,
  });
  const { snapshot } = options;
  if (snapshot) sidecar.broadcaster.setSnapshotProvider('diagnostics', () => snapshot);
  await sidecar.listen();
  servers.push(sidecar);
  return sidecar;
}

function open(sidecar: Sidecar) {
  const client = connect({
    url: sidecar.wsUrl,
    token: TEST_TOKEN,
    reconnect: { initialDelayMs: 10, maxDelayMs: 100 },
  });
  clients.push(client);
  return client;
}

const entry = (file: string, message: string) => ({
  file,
  uri: `file:///${file}`,
  server: 'typescript',
  diagnostics: [
    {
      range: { start: { line: 2, character: 0 }, end: { line: 2, character: 4 } },
      severity: 'error' as const,
      message,
    },
  ],
});
const errors = (count: number) => ({ errors: count, warnings: 0, infos: 0, hints: 0 });

describe('client.watch against a real sidecar', () => {
  it('follows diagnostics and starts over from the fresh snapshot after a restart', async () => {
    const first = await start({
      snapshot: { files: [entry('a.ts', 'first')], summary: errors(1) },
    });
    const client = open(first);
    const states: DiagnosticsState[] = [];
    client.watch('diagnostics', (state) => states.push(state));
    expect(states).toEqual([expect.objectContaining({ ready: false })]);
    await waitFor(() => states.at(-1)?.ready, { message: 'the snapshot' });
    expect([...(states.at(-1)?.files.keys() ?? [])]).toEqual(['a.ts']);

    first.broadcaster.emit('diagnostics', 'updated', {
      ...entry('b.ts', 'second'),
      summary: errors(2),
    });
    await waitFor(() => states.at(-1)?.files.has('b.ts'), { message: 'the update' });
    expect(states.at(-1)?.summary.errors).toBe(2);

    // A watcher that comes after the snapshot starts from the whole state.
    const late: DiagnosticsState[] = [];
    const stopLate = client.watch('diagnostics', (state) => late.push(state));
    expect([...(late[0]?.files.keys() ?? [])]).toEqual(['a.ts', 'b.ts']);
    stopLate();

    const port = first.port;
    await first.close('restart');
    servers.splice(servers.indexOf(first), 1);
    await start({ port, snapshot: { files: [entry('c.ts', 'third')], summary: errors(1) } });
    await waitFor(() => states.at(-1)?.files.has('c.ts'), { message: 'the new snapshot' });
    expect([...(states.at(-1)?.files.keys() ?? [])]).toEqual(['c.ts']);
    expect(states.at(-1)?.files.get('c.ts')?.[0]).toMatchObject({
      message: 'third',
      server: 'typescript',
    });
  });

  it('gives a late watch the state a plain subscriber of the channel already has', async () => {
    const sidecar = await start({ snapshot: { files: [entry('a.ts', 'x')], summary: errors(1) } });
    const client = open(sidecar);
    let snapshots = 0;
    client.subscribe('diagnostics', (message) => {
      if (message.type === 'snapshot') snapshots++;
    });
    await waitFor(() => snapshots === 1, { message: 'the snapshot' });
    const seen: DiagnosticsState[] = [];
    client.watch('diagnostics', (state) => seen.push(state));
    expect(seen).toHaveLength(1);
    expect(seen[0]?.files.get('a.ts')?.[0]?.message).toBe('x');
  });

  it('catches an AI stream up with ai.get when watching starts mid-stream', async () => {
    const sidecar = await start({ ai: true });
    const producer = open(sidecar);
    for (const [index, chunk] of ['The ', 'quick ', 'brown '].entries()) {
      await producer.publish('ai-response', 'chunk', { id: 's1', chunk, index, finished: false });
    }
    const client = open(sidecar);
    let text = '';
    let state = '';
    client.watch('ai-response', ({ streams }) => {
      text = streams.get('s1')?.text ?? '';
      state = streams.get('s1')?.state ?? '';
    });
    await client.ready();
    await producer.publish('ai-response', 'chunk', {
      id: 's1',
      chunk: 'fox',
      index: 3,
      finished: false,
    });
    await producer.publish('ai-response', 'done', {
      id: 's1',
      chunk: '.',
      index: 4,
      finished: true,
    });
    await waitFor(() => state === 'done', { message: 'the end of the stream' });
    expect(text).toBe('The quick brown fox.');
  });

  it('refuses a channel without a live state with a clear error', async () => {
    const client = open(await start({}));
    expect(() => client.watch('search' as never, () => {})).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_CHANNEL' }),
    );
  });
});
