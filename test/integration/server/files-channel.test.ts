import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventMessage, FileEventData, FilesBatchData } from '../../../src/protocol/index.js';
import { createFilesSource } from '../../../src/sources/files/index.js';
import { makeTempDir, rawClient, startTestSidecar, waitFor } from '../../support/server.js';

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.map((cleanup) => cleanup()));
  cleanups = [];
});

/** A sidecar watching a real temp folder, and a client subscribed to `files`. */
async function watchedWorkspace(setup: (root: string) => Promise<void> = async () => {}) {
  const root = await makeTempDir();
  await setup(root);
  const { sidecar, cleanup } = await startTestSidecar({ root, sources: [createFilesSource()] });
  cleanups.push(async () => {
    await cleanup();
    await rm(root, { recursive: true, force: true });
  });
  const client = await rawClient(sidecar);
  client.send({ type: 'subscribe', channel: 'files', id: 's' });
  await client.response('s');
  const files = () =>
    client.messages
      .filter((m): m is EventMessage => m.type === 'event' && m.channel === 'files')
      .flatMap((m) =>
        m.event === 'batch' ? (m.data as FilesBatchData).events : [m.data as FileEventData],
      );
  return { root, sidecar, client, files };
}

describe('the files channel end to end', () => {
  it('streams changes with root-relative paths and leaves gitignored files out', async () => {
    const { root, files } = await watchedWorkspace(async (dir) => {
      await writeFile(join(dir, '.gitignore'), 'dist/\n*.log\n');
      await mkdir(join(dir, 'src'));
    });
    await writeFile(join(root, 'debug.log'), 'ignored');
    await mkdir(join(root, 'dist'));
    await writeFile(join(root, 'dist', 'bundle.js'), 'ignored');
    await writeFile(join(root, 'src', 'index.ts'), 'export {};');
    await waitFor(() => files().some((f) => f.file === 'src/index.ts'), {
      message: 'src/index.ts',
    });
    expect(files().filter((f) => /debug\.log|dist/.test(f.file))).toEqual([]);
    expect(files()).toContainEqual({ file: 'src/index.ts', event: 'add' });
  });

  it('delivers 5,000 files written at once as a few batch events holding every path', async () => {
    const { root, client, files } = await watchedWorkspace(async (dir) => {
      await mkdir(join(dir, 'gen'));
    });
    const count = 5000;
    await Promise.all(
      Array.from({ length: count }, (_, i) => writeFile(join(root, 'gen', `f${i}.txt`), `${i}`)),
    );
    await waitFor(() => new Set(files().map((f) => f.file)).size >= count, {
      timeoutMs: 80_000,
      message: 'all 5,000 paths',
    });
    const paths = files().map((f) => f.file);
    expect(new Set(paths).size).toBe(count);
    // Each file arrives as one `add`; a write that chokidar sees after the add's window has
    // closed is a later `change` of the same path, which is right, so only those may repeat.
    expect(files().filter((f) => f.event === 'add')).toHaveLength(count);
    expect(files().filter((f) => f.event !== 'add' && f.event !== 'change')).toEqual([]);
    // How chokidar spreads the adds over time depends on the machine's load, so the bound is
    // loose: far fewer messages than files, and nearly every path inside a batch.
    const events = client.messages.filter((m) => m.type === 'event' && m.channel === 'files');
    expect(events.length).toBeLessThan(count / 50);
    const batches = events.filter((m) => (m as EventMessage).event === 'batch');
    expect(batches.length).toBeGreaterThan(0);
    expect(events.length - batches.length).toBeLessThan(count / 100);
  }, 90_000);
});
