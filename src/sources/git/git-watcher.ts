/**
 * Watches the parts of the git dir whose changes can change the status: HEAD, the index, refs
 * (branches, remotes, tags; loose and packed), and the markers of an operation in progress.
 * Lock files are left out (git writes `index.lock` and renames it to `index`, and the rename is
 * the change that matters), and so are `objects/` and `logs/`, which are big and say nothing new.
 */

import { isAbsolute, relative, sep } from 'node:path';
import { type FSWatcher, watch } from 'chokidar';
import type { Repository } from './repository.js';

/** Per worktree (in its own git dir): HEAD, index and the state of an operation. */
const WORKTREE_FILES = new Set([
  'HEAD',
  'index',
  'MERGE_HEAD',
  'CHERRY_PICK_HEAD',
  'REVERT_HEAD',
  'BISECT_LOG',
]);
const WORKTREE_FOLDERS = new Set(['rebase-merge', 'rebase-apply', 'refs']);
/** Shared by all worktrees (in the common dir): branches, remotes, tags. */
const SHARED_FILES = new Set(['packed-refs']);
const SHARED_FOLDERS = new Set(['refs']);

interface WatchRules {
  files: ReadonlySet<string>;
  folders: ReadonlySet<string>;
}

export interface GitDirWatcher {
  close(): Promise<void>;
}

export interface GitDirWatcherOptions {
  repository: Repository;
  onChange: (path: string) => void;
  onError: (error: unknown) => void;
}

/** Starts watching; resolves once the watcher is ready, so no change after that is missed. */
export async function watchGitDir(options: GitDirWatcherOptions): Promise<GitDirWatcher> {
  const { gitDir, commonDir } = options.repository;
  const linked = gitDir !== commonDir;
  // In a linked worktree the two dirs differ; otherwise one dir holds both kinds.
  const bases: [string, WatchRules][] = linked
    ? [
        [gitDir, { files: WORKTREE_FILES, folders: WORKTREE_FOLDERS }],
        [commonDir, { files: SHARED_FILES, folders: SHARED_FOLDERS }],
      ]
    : [
        [
          gitDir,
          {
            files: new Set([...WORKTREE_FILES, ...SHARED_FILES]),
            folders: new Set([...WORKTREE_FOLDERS, ...SHARED_FOLDERS]),
          },
        ],
      ];
  // The worktree's dir lies inside the common dir (`.git/worktrees/<name>`): test it first.
  bases.sort(([a], [b]) => b.length - a.length);

  const isIgnored = (path: string): boolean => {
    if (path.endsWith('.lock')) return true;
    for (const [base, rules] of bases) {
      const rel = relative(base, path);
      if (rel === '') return false;
      if (rel.startsWith('..') || isAbsolute(rel)) continue;
      const [top = '', ...below] = rel.split(sep);
      return !(rules.folders.has(top) || (below.length === 0 && rules.files.has(top)));
    }
    return false;
  };

  const watcher: FSWatcher = watch(
    bases.map(([base]) => base),
    { ignored: isIgnored, ignoreInitial: true, atomic: false, persistent: true },
  );
  watcher.on('all', (_event, path) => options.onChange(path));
  watcher.on('error', options.onError);
  await new Promise<void>((resolve) => watcher.once('ready', resolve));
  return { close: () => watcher.close() };
}
