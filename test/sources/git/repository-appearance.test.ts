import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type RepositoryAppearanceWatcher,
  watchForRepository,
} from '../../../src/sources/git/repository-appearance.js';
import { makeTempDir, waitFor } from '../../support/server.js';

let folders: string[] = [];
let watcher: RepositoryAppearanceWatcher | null = null;
afterEach(async () => {
  watcher?.close();
  watcher = null;
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
  folders = [];
});

describe('watchForRepository', () => {
  it('hints when a .git appears in the root or in a folder above it', async () => {
    const parent = await makeTempDir('sidecar-appear-');
    folders.push(parent);
    const root = join(parent, 'workspace');
    mkdirSync(root);
    let hints = 0;
    watcher = watchForRepository(
      root,
      () => hints++,
      (error) => {
        throw error;
      },
    );
    mkdirSync(join(parent, '.git'));
    await waitFor(() => hints > 0, { message: 'a hint for the parent .git' });
    const afterParent = hints;
    mkdirSync(join(root, '.git'));
    await waitFor(() => hints > afterParent, { message: 'a hint for the root .git' });
    expect(hints).toBeGreaterThanOrEqual(2);
  });
});
