/**
 * Leave nothing behind: typescript-language-server makes a folder in the temp folder at every
 * start (for tsserver's cancellation pipe) and never removes it. Each server gets a temp folder
 * of its own, removed when it exits.
 */

import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDiagnosticsHarness } from '../../sources/diagnostics/harness.js';
import { makeTempDir, waitFor } from '../../support/server.js';

describe("language servers' temp files", () => {
  const originalTmpdir = process.env.TMPDIR;
  let cleanup: string[] = [];
  afterEach(async () => {
    process.env.TMPDIR = originalTmpdir;
    if (originalTmpdir === undefined) delete process.env.TMPDIR;
    await Promise.all(cleanup.map((dir) => rm(dir, { recursive: true, force: true })));
    cleanup = [];
  });

  it('are in a folder of their own, removed when the server stops or is killed', async () => {
    const root = await makeTempDir('sidecar-tmp-workspace-');
    const tmp = await makeTempDir('sidecar-tmpdir-');
    cleanup.push(root, tmp);
    await writeFile(join(root, 'tsconfig.json'), '{ "compilerOptions": { "strict": true } }');
    await mkdir(join(root, 'src'));
    await writeFile(join(root, 'src', 'a.ts'), 'export const a: number = "x";\n');
    // The servers inherit this temp folder.
    process.env.TMPDIR = tmp;
    // Without the project check, so that tsserver runs for the workspace's files.
    const h = await startDiagnosticsHarness(root, { typescriptProjectCheck: false });
    try {
      await waitFor(() => h.latest('src/a.ts'), { timeoutMs: 60_000, message: 'the error' });
      const whileRunning = await readdir(tmp);
      expect(whileRunning).toEqual([expect.stringMatching(/^sidecar-lsp-/)]);
      // A killed server's folder goes too.
      const killed = h.source.servers()[0]!.pid!;
      process.kill(killed, 'SIGKILL');
      await waitFor(
        async () => {
          const pid = h.source.servers()[0]?.pid;
          const entries = await readdir(tmp);
          return (
            pid !== undefined &&
            pid !== killed &&
            entries.length === 1 &&
            entries[0] !== whileRunning[0]
          );
        },
        { timeoutMs: 60_000, message: 'a new server with a new temp folder, the old one gone' },
      );
    } finally {
      await h.close();
    }
    expect(await readdir(tmp)).toEqual([]);
  }, 120_000);
});
