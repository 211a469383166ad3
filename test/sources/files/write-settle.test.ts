import { appendFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createWriteSettler, type WriteSettler } from '../../../src/sources/files/write-settle.js';
import { makeTempDir, waitFor } from '../../support/server.js';

describe('write settler', () => {
  let root: string;
  let settler: WriteSettler | undefined;
  afterEach(async () => {
    settler?.dispose();
    await rm(root, { recursive: true, force: true });
  });

  async function setUp() {
    root = await makeTempDir('sidecar-settle-');
    const changed: string[] = [];
    settler = createWriteSettler({ root, delayMs: 200, onChanged: (file) => changed.push(file) });
    return { settler, changed };
  }

  it('reports a change when a write went on after the file was sent, and not otherwise', async () => {
    const { settler, changed } = await setUp();
    await writeFile(join(root, 'still.txt'), 'done');
    await writeFile(join(root, 'half.txt'), ''); // truncated: the first half of a write
    settler.sent('still.txt');
    settler.sent('half.txt');
    await appendFile(join(root, 'half.txt'), 'the rest of the write');
    await waitFor(() => changed.length > 0, { message: 'the trailing change' });
    // Looks run in the order the files were sent: still.txt was looked at, and stayed.
    expect(changed).toEqual(['half.txt']);
  });

  it('says nothing of a file that is gone, nor after dispose', async () => {
    const { settler, changed } = await setUp();
    await writeFile(join(root, 'gone.txt'), 'x');
    await writeFile(join(root, 'late.txt'), '');
    settler.sent('gone.txt');
    settler.sent('late.txt');
    await rm(join(root, 'gone.txt'));
    await appendFile(join(root, 'late.txt'), 'written');
    await waitFor(() => changed.length > 0, { message: 'the trailing change' });
    expect(changed).toEqual(['late.txt']);

    settler.sent('late.txt');
    settler.dispose();
    await appendFile(join(root, 'late.txt'), ' again');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(changed).toEqual(['late.txt']);
  });
});
