/**
 * Which engine a sidecar searches with: ripgrep when it can run (the configured path, else `rg`
 * on PATH), otherwise the built-in one; under `auto`, small workspaces search with the built-in
 * one even so (`size-aware-engine.ts`). A ripgrep is trusted only once `--version` answers.
 */

import { execFile } from 'node:child_process';
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, relative } from 'node:path';
import { childEnvironment } from '../../core/child-environment.js';
import { createBuiltinEngine } from './builtin-engine.js';
import type { SearchEngine } from './engine.js';
import { createRipgrepEngine } from './ripgrep-engine.js';
import { BUILTIN_UP_TO_FILES, createSizeAwareEngine } from './size-aware-engine.js';

export type EngineChoice = 'auto' | 'ripgrep' | 'builtin';

export interface EngineSelectOptions {
  engine: EngineChoice;
  /** The workspace root: a ripgrep inside it is never run (a repository could ship one). */
  root: string;
  /** A path to `rg`, or a command name looked up on PATH. */
  ripgrepPath?: string | undefined;
  /** The PATH to look in; defaults to the process's. */
  pathEnv?: string | undefined;
  builtinWorkers?: number | undefined;
  /** Under `auto`, workspaces of at most this many files use the built-in engine (0: never). */
  builtinUpTo?: number | undefined;
}

export interface EngineSelection {
  engine: SearchEngine;
  /** Said on `system` when the choice is worth knowing (a fallback, the version used). */
  message: string;
}

const VERSION_TIMEOUT_MS = 10_000;

/** Resolves to the engine, or rejects with why none can run (`engine: 'ripgrep'` without rg). */
export async function selectEngine(options: EngineSelectOptions): Promise<EngineSelection> {
  if (options.engine === 'builtin') {
    return { engine: createBuiltinEngine(builtinOptions(options)), message: 'built-in engine' };
  }
  const found = await findRipgrep(
    options.ripgrepPath,
    options.pathEnv ?? process.env.PATH ?? '',
    options.root,
  );
  if (found.path) {
    const ripgrep = createRipgrepEngine(found.path);
    const message = `ripgrep ${found.version} (${found.path})`;
    const builtinUpTo = options.builtinUpTo ?? BUILTIN_UP_TO_FILES;
    if (options.engine === 'ripgrep' || builtinUpTo === 0) return { engine: ripgrep, message };
    return {
      engine: createSizeAwareEngine(
        ripgrep,
        () => createBuiltinEngine(builtinOptions(options)),
        builtinUpTo,
      ),
      message: `${message}; the built-in engine for workspaces of at most ${builtinUpTo} files`,
    };
  }
  if (options.engine === 'ripgrep') throw new Error(found.problem);
  return {
    engine: createBuiltinEngine(builtinOptions(options)),
    message: `built-in engine: ${found.problem}`,
  };
}

function builtinOptions(options: EngineSelectOptions) {
  return options.builtinWorkers === undefined ? {} : { workers: options.builtinWorkers };
}

type Found = { path: string; version: string; problem?: never } | { path?: never; problem: string };

export async function findRipgrep(
  configured: string | undefined,
  pathEnv: string,
  root: string,
): Promise<Found> {
  const command = configured ?? 'rg';
  const isName = !/[\\/]/.test(command);
  if (!isName && !isAbsolute(command)) {
    return { problem: `search.ripgrepPath must be absolute or a command name (got "${command}")` };
  }
  const outsideRoot = (path: string) => !isInside(path, root);
  const candidate = isName ? lookUpOnPath(command, pathEnv, outsideRoot) : command;
  if (!candidate) return { problem: `ripgrep (${command}) was not found on PATH` };
  if (!outsideRoot(candidate)) {
    return { problem: `${candidate} is inside the workspace; a ripgrep there is not run` };
  }
  const version = await ripgrepVersion(candidate);
  if (!version) return { problem: `${candidate} did not answer as ripgrep (rg --version)` };
  return { path: candidate, version };
}

/** Whether `path` (symbolic links resolved) lies inside `root`. */
function isInside(path: string, root: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  const rel = relative(real(root), real(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function lookUpOnPath(
  command: string,
  pathEnv: string,
  acceptable: (path: string) => boolean,
): string | null {
  const names = process.platform === 'win32' ? [`${command}.exe`, command] : [command];
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue; // a relative PATH entry would depend on the cwd
    for (const name of names) {
      const path = join(dir, name);
      try {
        if (!statSync(path).isFile()) continue;
        accessSync(path, constants.X_OK);
        if (acceptable(path)) return path;
      } catch {
        // not here
      }
    }
  }
  return null;
}

function ripgrepVersion(path: string): Promise<string | null> {
  return new Promise((resolve) => {
    const options = { timeout: VERSION_TIMEOUT_MS, env: childEnvironment() };
    execFile(path, ['--version'], options, (error, stdout) => {
      const match = /^ripgrep (\d+\.\d+\.\d+)/m.exec(String(stdout));
      resolve(error || !match ? null : match[1]!);
    });
  });
}
