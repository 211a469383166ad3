/**
 * Which engine watches the tree. chokidar serves small trees well and is the only one that can
 * follow symbolic links; past `nativeAbove` files the native engine is far cheaper (watches per
 * folder, a C++ crawl), so `auto` counts files (up to that number) and picks it when it loads.
 */

import { createChokidarEngine } from './chokidar-engine.js';
import { createNativeEngine, loadNativeWatcher } from './native-engine.js';
import { walkTree } from './tree-walk.js';
import type { EngineName, WatchEngineFactory } from './watch-engine.js';

export type EngineSetting = 'auto' | EngineName;

export interface EngineChoiceInput {
  engine: EngineSetting;
  followSymlinks: boolean;
  nativeAbove: number;
  root: string;
  ignoredIn(absoluteFolder: string): (name: string, isDir: boolean) => boolean;
}

export interface EngineChoice {
  name: EngineName;
  create: WatchEngineFactory;
  /** Why, for the log; and a problem to report when the engine asked for could not be used. */
  reason: string;
  fallback?: string;
}

const FACTORIES: Readonly<Record<EngineName, WatchEngineFactory>> = {
  chokidar: createChokidarEngine,
  native: createNativeEngine,
};

const chosen = (name: EngineName, reason: string, fallback?: string): EngineChoice => ({
  name,
  create: FACTORIES[name],
  reason,
  ...(fallback ? { fallback } : {}),
});

export async function chooseEngine(input: EngineChoiceInput): Promise<EngineChoice> {
  if (input.engine === 'chokidar') return chosen('chokidar', 'set by files.engine');
  if (input.followSymlinks) {
    const reason = 'files.followSymlinks needs chokidar (the native engine never follows links)';
    return input.engine === 'native'
      ? chosen('chokidar', reason, `files.engine "native" not used: ${reason}`)
      : chosen('chokidar', reason);
  }
  if (input.engine === 'auto') {
    const files = countFilesUpTo(input, input.nativeAbove + 1);
    if (files <= input.nativeAbove) {
      return chosen('chokidar', `${files} files, at most files.nativeAbove (${input.nativeAbove})`);
    }
  }
  try {
    await loadNativeWatcher();
  } catch (error) {
    const reason = `the native watcher does not load here (${(error as Error).message})`;
    return chosen('chokidar', reason, input.engine === 'native' ? reason : undefined);
  }
  return input.engine === 'native'
    ? chosen('native', 'set by files.engine')
    : chosen('native', `more than files.nativeAbove (${input.nativeAbove}) files`);
}

function countFilesUpTo(input: EngineChoiceInput, limit: number): number {
  let files = 0;
  walkTree(input.root, { ignoredIn: input.ignoredIn, onFile: () => files++ }, () => files >= limit);
  return files;
}
