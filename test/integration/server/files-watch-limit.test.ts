import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventMessage } from '../../../src/protocol/index.js';
import { createFilesSource } from '../../../src/sources/files/index.js';
import { makeTempDir, rawClient, startTestSidecar } from '../../support/server.js';

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.map((cleanup) => cleanup()));
  cleanups = [];
});

describe('an exhausted inotify watch limit', () => {
  it('is reported on system with the sysctl line, and the server goes on', async () => {
    const root = await makeTempDir();
    // The error a watcher meets when the limit is reached, injected: lowering the real limit
    // would starve every other watcher on the machine.
    const files = createFilesSource({
      engineFactory: (options) => ({
        name: 'limited',
        async start() {
          options.onError({
            code: 'ENOSPC',
            path: join(root, 'src'),
            message: "inotify_add_watch on 'src' failed: No space left on device",
          });
        },
        async close() {},
      }),
    });
    const { sidecar, cleanup } = await startTestSidecar({ root, sources: [files] });
    cleanups.push(cleanup);
    const client = await rawClient(sidecar);
    // Replayed from the start: the source reported the problem before this client came.
    client.send({
      type: 'subscribe',
      channel: 'system',
      since: { epoch: sidecar.epoch, seq: { system: 0 } },
      id: 's',
    });
    await client.response('s');
    const state = await client.next<EventMessage>((m) => {
      return m.type === 'event' && JSON.stringify(m).includes('max_user_watches');
    });
    const reported = JSON.stringify(state);
    expect(reported).toContain('sudo sysctl fs.inotify.max_user_watches=524288');
    // Still answering, and the source stays in error (not `running`) after its `ready`.
    client.send({ type: 'ping', id: 'p' });
    await client.next((m) => m.type === 'pong' || (m.type === 'response' && m.id === 'p'));
    expect(sidecar.info().sources.find((s) => s.name === 'files')?.state).toBe('error');
  });
});
