import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chooseEngine, type EngineChoiceInput } from '../../../src/sources/files/engine-choice.js';

let root = '';
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  root = '';
});

async function treeWith(files: string[]): Promise<string> {
  root = await mkdtemp(join(tmpdir(), 'sidecar-engine-'));
  for (const file of files) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), '');
  }
  return root;
}

const input = (overrides: Partial<EngineChoiceInput>): EngineChoiceInput => ({
  engine: 'auto',
  followSymlinks: false,
  nativeAbove: 3,
  root,
  ignoredIn: () => (name) => name === 'node_modules',
  ...overrides,
});

describe('chooseEngine', () => {
  it('auto: chokidar up to nativeAbove files, the native engine past it', async () => {
    await treeWith(['a', 'b', 'src/c', 'node_modules/x', 'node_modules/y']);
    expect((await chooseEngine(input({}))).name).toBe('chokidar'); // ignored files do not count
    writeFileSync(join(root, 'src/d'), '');
    const big = await chooseEngine(input({}));
    expect(big.name).toBe('native');
    expect(big.fallback).toBeUndefined();
  });

  it('takes the engine set, whatever the size', async () => {
    await treeWith(['a']);
    expect((await chooseEngine(input({ engine: 'native' }))).name).toBe('native');
    await rm(root, { recursive: true });
    await treeWith(['a', 'b', 'c', 'd', 'e']);
    expect((await chooseEngine(input({ engine: 'chokidar' }))).name).toBe('chokidar');
  });

  it('uses chokidar to follow symbolic links, saying so when native was asked for', async () => {
    await treeWith(['a', 'b', 'c', 'd', 'e']);
    expect((await chooseEngine(input({ followSymlinks: true }))).name).toBe('chokidar');
    const asked = await chooseEngine(input({ engine: 'native', followSymlinks: true }));
    expect(asked.name).toBe('chokidar');
    expect(asked.fallback).toContain('followSymlinks');
  });
});
