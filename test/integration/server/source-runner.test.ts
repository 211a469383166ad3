import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createSidecar } from '../../../src/app/sidecar.js';
import type { Source } from '../../../src/core/source.js';
import type { SourceStateData } from '../../../src/protocol/index.js';
import { makeTempDir, rawClient, TEST_TOKEN } from '../../support/server.js';

/** A source of `channel` that reports itself unavailable, as one that cannot run here does. */
function unavailableSource(name: string, channel: Source['channel'], why: string): Source {
  return {
    name,
    channel,
    start: async (ctx) => ctx.setState('unavailable', why),
    stop: async () => {},
  };
}

describe('source states', () => {
  it('name the channel each source feeds, on system and in server.info', async () => {
    const root = await makeTempDir();
    const sidecar = createSidecar({
      root,
      port: 0,
      token: TEST_TOKEN,
      logLevel: 'silent',
      sources: [
        unavailableSource('lsp', 'diagnostics', 'no language server found'),
        {
          ...unavailableSource('broken', 'git', ''),
          start: async () => Promise.reject(new Error('boom')),
        },
      ],
    });
    const seen: SourceStateData[] = [];
    sidecar.broadcaster.onEvent('system', ({ event, data }) => {
      if (event === 'source') seen.push(data as SourceStateData);
    });
    await sidecar.listen();
    try {
      expect(seen).toEqual(
        expect.arrayContaining([
          { name: 'lsp', channel: 'diagnostics', state: 'starting' },
          {
            name: 'lsp',
            channel: 'diagnostics',
            state: 'unavailable',
            message: 'no language server found',
          },
          { name: 'broken', channel: 'git', state: 'unavailable', message: 'boom' },
        ]),
      );
      const client = await rawClient(sidecar);
      client.send({ type: 'request', id: 'info', method: 'server.info' });
      const { result } = await client.response('info');
      expect((result as { sources: SourceStateData[] }).sources).toEqual([
        {
          name: 'lsp',
          channel: 'diagnostics',
          state: 'unavailable',
          message: 'no language server found',
        },
        { name: 'broken', channel: 'git', state: 'unavailable', message: 'boom' },
      ]);
      client.close();
    } finally {
      await sidecar.close();
      await rm(root, { recursive: true, force: true });
    }
  });

  it('tell a source when a client disconnects, with the id its methods saw', async () => {
    const root = await makeTempDir();
    const gone: string[] = [];
    let told: () => void = () => {};
    const toldOnce = new Promise<void>((resolve) => {
      told = resolve;
    });
    const source: Source<'custom:watcher'> = {
      name: 'watcher',
      channel: 'custom:watcher',
      start: async (ctx) => {
        ctx.onClientGone((clientId) => {
          gone.push(clientId);
          told();
        });
      },
      stop: async () => {},
    };
    const sidecar = createSidecar({
      root,
      port: 0,
      token: TEST_TOKEN,
      logLevel: 'silent',
      sources: [source],
    });
    await sidecar.listen();
    try {
      const staying = await rawClient(sidecar);
      const leaving = await rawClient(sidecar);
      const welcome = await leaving.next((m) => m.type === 'welcome');
      leaving.close();
      await toldOnce;
      expect(gone).toEqual([(welcome as { clientId: string }).clientId]);
      staying.close();
    } finally {
      await sidecar.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
