/**
 * Hints are not noise: a file nobody edited whose only change is hints coming and going
 * (tsserver's deprecation and "unused" hints do that on every edit) gets no `updated`.
 */

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DiagnosticsSnapshot } from '../../../src/protocol/index.js';
import { fakeServerConfig, writeFakeServer } from '../../sources/diagnostics/fake-server.js';
import { useDiagnosticsHarness } from '../../sources/diagnostics/harness.js';
import { makeTempDir, waitFor } from '../../support/server.js';

const start = useDiagnosticsHarness();

describe('hints in files nobody edited', () => {
  it('are kept for diagnostics.get but not sent as updated', async () => {
    const root = await makeTempDir('sidecar-hints-');
    const script = await writeFakeServer(root);
    await writeFile(join(root, 'edited.txt'), 'ERROR one\n');
    await writeFile(join(root, 'other.txt'), 'FLICKER\n');
    const h = await start(root, { servers: [fakeServerConfig('fake', script, 'push')] });
    await waitFor(() => h.latest('edited.txt'), { message: 'the first problem' });

    const hintsOfOther = async () =>
      (
        await h.request<DiagnosticsSnapshot>('diagnostics.get', { file: 'other.txt' })
      ).files.flatMap((entry) => entry.diagnostics);
    // The first change makes other.txt's hint appear, the second makes it go.
    await writeFile(join(root, 'edited.txt'), 'ERROR two\n');
    await waitFor(() => h.latest('edited.txt')?.diagnostics[0]?.message === 'ERROR two', {
      message: 'the second problem',
    });
    await waitFor(async () => (await hintsOfOther()).length === 1, { message: 'the hint' });
    expect(await hintsOfOther()).toEqual([expect.objectContaining({ severity: 'hint' })]);
    await writeFile(join(root, 'edited.txt'), 'ERROR three\n');
    await waitFor(() => h.latest('edited.txt')?.diagnostics[0]?.message === 'ERROR three', {
      message: 'the third problem',
    });
    await waitFor(async () => (await hintsOfOther()).length === 0, { message: 'the hint gone' });

    expect(h.updates().map((update) => update.file)).toEqual([
      'edited.txt',
      'edited.txt',
      'edited.txt',
    ]);
  });

  it('are sent for the file that was edited', async () => {
    const root = await makeTempDir('sidecar-hints-');
    const script = await writeFakeServer(root);
    await writeFile(join(root, 'edited.txt'), 'plain\n');
    const h = await start(root, { servers: [fakeServerConfig('fake', script, 'push')] });
    await h.request('diagnostics.wait', {});
    await writeFile(join(root, 'edited.txt'), 'FLICKER\n');
    await waitFor(() => h.latest('edited.txt')?.diagnostics.length === 1, {
      message: 'the hint in the edited file',
    });
    expect(h.latest('edited.txt')!.diagnostics[0]).toMatchObject({ severity: 'hint' });
  });
});
