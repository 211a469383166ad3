/**
 * The `git` source: the status of the repository that holds the workspace, kept current by
 * watching the git dir and following the `files` channel, and sent as `status`, `branch` and
 * `commit` events. Without a repository (or without git) it reports `unavailable` and, when a
 * `.git` appears later, comes alive on its own.
 */

import { SidecarError } from '../../core/errors.js';
import type { Source, SourceContext, SourceEvent } from '../../core/source.js';
import type { FileEventData, FilesBatchData, GitStatus } from '../../protocol/index.js';
import { createGitClient, describeGitError, type GitClient } from './git-client.js';
import { isIndexLocked } from './git-dir-state.js';
import { createGitMethods } from './git-methods.js';
import { type GitDirWatcher, watchGitDir } from './git-watcher.js';
import { createRefreshScheduler, type RefreshScheduler } from './refresh-scheduler.js';
import { findRepository, type Repository } from './repository.js';
import { type RepositoryAppearanceWatcher, watchForRepository } from './repository-appearance.js';
import { changesBetween } from './status-changes.js';
import { createStatusReader, type StatusReader, type StatusReading } from './status-reader.js';

export interface GitSourceOptions {
  /** Quiet time after a change before the status is read again. */
  debounceMs?: number;
  /** Longest a change waits for its refresh while changes keep coming. */
  maxWaitMs?: number;
  /** `git.diff` output beyond this many bytes is cut (`truncated: true`). */
  maxDiffBytes?: number;
  /** The most commits `git.log` returns. */
  maxLogEntries?: number;
  /** Each path list of the status holds at most this many entries (`truncated: true`). */
  maxPaths?: number;
  /** The git executable; `git` from PATH by default. */
  binary?: string;
}

export const GIT_SOURCE_DEFAULTS = Object.freeze({
  debounceMs: 50,
  maxWaitMs: 1000,
  maxDiffBytes: 1024 * 1024,
  maxLogEntries: 500,
  defaultLogEntries: 50,
  maxPaths: 2000,
});

/** While the index is locked, look again this often, for at most INDEX_LOCK_PATIENCE_MS. */
const INDEX_LOCK_RECHECK_MS = 100;
const INDEX_LOCK_PATIENCE_MS = 5000;

/** After a `.git` appears, git may not see a repository until `git init` has finished writing. */
const LOOKUP_RETRY_DELAYS_MS = [50, 250, 1000, 3000];

/** Everything that exists while a repository is followed; `stop()` or its loss tears it down. */
interface Session {
  repository: Repository;
  reader: StatusReader;
  scheduler: RefreshScheduler;
  watcher: GitDirWatcher | null;
  latest: StatusReading | null;
  /** Since when a refresh has found the index locked; null when it was not. */
  indexLockedSince: number | null;
  /** Why the last refresh failed, while it has not succeeded since. */
  failure: string | null;
  closed: boolean;
  /** Settles once the first refresh has read the status, failed, or the session closed. */
  firstReading: Promise<void>;
  firstReadingKnown: () => void;
}

export function createGitSource(options: GitSourceOptions = {}): Source<'git'> {
  const settings = { ...GIT_SOURCE_DEFAULTS, ...definedOnly(options) };
  let ctx: SourceContext<'git'> | null = null;
  let git: GitClient | null = null;
  let session: Session | null = null;
  let unavailableReason = 'the git source has not started';
  let appearance: RepositoryAppearanceWatcher | null = null;
  let lookupTimer: ReturnType<typeof setTimeout> | null = null;
  let lookingUp: { generation: number; promise: Promise<boolean> } | null = null;
  let stopFollowingFiles: (() => void) | null = null;
  /** Bumped by start and stop: work begun under an older generation drops its result. */
  let generation = 0;

  function requireSession(): Session {
    if (!session || !ctx || !git) throw new SidecarError('UNAVAILABLE', unavailableReason);
    return session;
  }

  const methods = createGitMethods(() => {
    const current = requireSession();
    return {
      root: ctx!.root,
      git: git!,
      async freshStatus(): Promise<GitStatus> {
        await current.scheduler.refreshNow();
        if (!current.latest || current.closed) {
          throw new SidecarError('UNAVAILABLE', current.failure ?? unavailableReason);
        }
        return current.latest.status;
      },
    };
  }, settings);

  async function refresh(current: Session): Promise<void> {
    if (await isMidOperation(current)) {
      setTimeout(() => current.scheduler.request(), INDEX_LOCK_RECHECK_MS).unref();
      return;
    }
    const reading = await current.reader.read();
    if (current.closed || !ctx) return;
    const changes = changesBetween(current.latest, reading);
    current.latest = reading;
    current.failure = null;
    for (const change of changes) ctx.emit(change.event, change.data);
    ctx.setState('running');
    current.firstReadingKnown();
  }

  /**
   * True while git holds the index lock (a checkout, merge or commit is writing the tree and the
   * index): the status would show a half-done state. A lock older than INDEX_LOCK_PATIENCE_MS is
   * taken as left behind by a crashed git and no longer waited for.
   */
  async function isMidOperation(current: Session): Promise<boolean> {
    if (!(await isIndexLocked(current.repository.gitDir))) {
      current.indexLockedSince = null;
      return false;
    }
    current.indexLockedSince ??= Date.now();
    return Date.now() - current.indexLockedSince < INDEX_LOCK_PATIENCE_MS;
  }

  async function onRefreshError(current: Session, error: unknown): Promise<void> {
    try {
      await reportRefreshError(current, error);
    } finally {
      current.firstReadingKnown();
    }
  }

  async function reportRefreshError(current: Session, error: unknown): Promise<void> {
    if (current.closed || !ctx || !git) return;
    const lookup = await findRepository(ctx.root, git);
    if (current.closed) return;
    if (!lookup.found) {
      // The repository went away (`rm -rf .git`) or git did: wait for it to come back.
      await closeSession();
      becomeUnavailable(lookup.reason, lookup.gitMissing);
      return;
    }
    const message = `git status failed: ${describeGitError(error)}`;
    current.failure = message;
    ctx.log.warn(message);
    ctx.setState('error', message);
  }

  async function activate(repository: Repository, myGeneration: number): Promise<void> {
    let firstReadingKnown = () => {};
    const firstReading = new Promise<void>((resolve) => {
      firstReadingKnown = resolve;
    });
    const current: Session = {
      repository,
      reader: createStatusReader({ git: git!, repository, maxPaths: settings.maxPaths }),
      scheduler: createRefreshScheduler({
        run: () => refresh(current),
        onError: (error) => void onRefreshError(current, error),
        debounceMs: settings.debounceMs,
        maxWaitMs: settings.maxWaitMs,
      }),
      watcher: null,
      latest: null,
      indexLockedSince: null,
      failure: null,
      closed: false,
      firstReading,
      firstReadingKnown,
    };
    session = current;
    const watcher = await watchGitDir({
      repository,
      onChange: () => current.scheduler.request(),
      onError: (error) => ctx?.log.warn('git: watcher error', error),
    });
    if (myGeneration !== generation || current.closed) {
      await watcher.close();
      return;
    }
    current.watcher = watcher;
    await current.scheduler.refreshNow();
    // A first refresh that found the index locked has read nothing yet; start is not done
    // before the status is known (a snapshot of null would say "no repository").
    await current.firstReading;
  }

  async function closeSession(): Promise<void> {
    const current = session;
    if (!current) return;
    session = null;
    current.closed = true;
    current.firstReadingKnown();
    await current.scheduler.dispose();
    await current.watcher?.close();
  }

  function becomeUnavailable(reason: string, gitMissing: boolean): void {
    unavailableReason = reason;
    ctx?.setState('unavailable', reason);
    if (gitMissing || appearance || !ctx) return;
    const myGeneration = generation;
    appearance = watchForRepository(
      ctx.root,
      () => scheduleLookup(myGeneration, 0),
      (error) => ctx?.log.debug('git: cannot watch for a new repository', error),
    );
  }

  function scheduleLookup(myGeneration: number, attempt: number): void {
    if (lookupTimer !== null) clearTimeout(lookupTimer);
    const delay = LOOKUP_RETRY_DELAYS_MS[attempt];
    if (delay === undefined) return;
    lookupTimer = setTimeout(() => {
      lookupTimer = null;
      void lookUp(myGeneration).then((found) => {
        if (!found && myGeneration === generation && !session) {
          scheduleLookup(myGeneration, attempt + 1);
        }
      });
    }, delay);
  }

  /** Looks for the repository and follows it when found; true when it is followed. */
  function lookUp(myGeneration: number): Promise<boolean> {
    // One lookup at a time: two at once could both find the repository and follow it twice.
    if (lookingUp?.generation !== myGeneration) {
      const promise = lookUpOnce(myGeneration).finally(() => {
        if (lookingUp?.promise === promise) lookingUp = null;
      });
      lookingUp = { generation: myGeneration, promise };
    }
    return lookingUp.promise;
  }

  async function lookUpOnce(myGeneration: number): Promise<boolean> {
    if (!ctx || !git || session) return session !== null;
    const lookup = await findRepository(ctx.root, git);
    if (myGeneration !== generation) return false;
    if (!lookup.found) {
      becomeUnavailable(lookup.reason, lookup.gitMissing);
      return false;
    }
    appearance?.close();
    appearance = null;
    ctx.log.debug(`git: following ${lookup.repository.topLevel}`);
    try {
      await activate(lookup.repository, myGeneration);
    } catch (error) {
      await closeSession();
      becomeUnavailable(`cannot follow the repository: ${describeGitError(error)}`, false);
      return false;
    }
    return session !== null;
  }

  function followFiles(context: SourceContext<'git'>): () => void {
    return context.onEvent('files', (event: SourceEvent) => {
      if (session && changesWorkingTree(event)) session.scheduler.request();
    });
  }

  async function stop(): Promise<void> {
    generation++;
    stopFollowingFiles?.();
    stopFollowingFiles = null;
    if (lookupTimer !== null) clearTimeout(lookupTimer);
    lookupTimer = null;
    appearance?.close();
    appearance = null;
    await closeSession();
    unavailableReason = 'the git source is stopped';
    ctx = null;
    git = null;
  }

  return {
    name: 'git',
    channel: 'git',
    methods,
    snapshot: () => session?.latest?.status ?? null,
    async start(context) {
      await stop();
      ctx = context;
      git = createGitClient({ cwd: context.root, binary: settings.binary });
      stopFollowingFiles = followFiles(context);
      await lookUp(generation);
    },
    stop,
  };
}

/** A `files` event (or a `batch` of them) about the working tree, not about a `.git` folder. */
function changesWorkingTree({ event, data }: SourceEvent): boolean {
  if (event === 'ready') return false;
  const entries =
    event === 'batch' ? (data as FilesBatchData).events : [data as FileEventData | undefined];
  return entries.some((entry) => entry !== undefined && !entry.file.split('/').includes('.git'));
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}
