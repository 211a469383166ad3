/**
 * An agent writes a file and asks for diagnostics at once: the wait first lets the sidecar's
 * watcher report that write, so the language servers are not asked about the version before.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileSightings } from '../../src/mcp/file-sightings.js';
import { createInProcessBackend } from '../../src/mcp/in-process-backend.js';
import type { Sidecar } from '../../src/server/sidecar.js';
import { createFilesSource } from '../../src/sources/files/index.js';
import { useTestSidecars } from '../support/server.js';

const start = useTestSidecars();

function backendOf(sidecar: Sidecar) {
  return createInProcessBackend({
    root: sidecar.options.root,
    broadcaster: sidecar.broadcaster,
    methods: sidecar.methods,
    info: () => sidecar.info(),
  });
}

describe('file sightings before a diagnostics wait', () => {
  it('waits until the watcher has reported a write made just before the call', async () => {
    const sidecar = await start({ sources: [createFilesSource()] });
    const sightings = createFileSightings(backendOf(sidecar));
    const reported: string[] = [];
    sidecar.broadcaster.onEvent('files', ({ data }) => {
      const { file } = data as { file?: string };
      if (file) reported.push(file);
    });
    await writeFile(join(sidecar.options.root, 'edited.ts'), 'export const a = 1;\n');
    const unseen = await sightings.caughtUp(['edited.ts'], new AbortController().signal);
    expect(unseen).toEqual([]);
    expect(reported).toContain('edited.ts');
  });

  it('gives up on a write the watcher never reports and names the file', async () => {
    const sidecar = await start({ sources: [createFilesSource()] });
    await writeFile(join(sidecar.options.root, '.gitignore'), 'ignored.txt\n');
    const sightings = createFileSightings(backendOf(sidecar));
    await writeFile(join(sidecar.options.root, 'ignored.txt'), 'x');
    const unseen = await sightings.caughtUp(
      ['ignored.txt', 'never-written.ts'],
      new AbortController().signal,
    );
    expect(unseen).toEqual(['ignored.txt']);
  });
});
