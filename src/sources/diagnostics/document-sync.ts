/**
 * Which workspace files one language server has open, kept in step with the disk. Servers
 * that push diagnostics only check open files, so the workspace's matching files are opened
 * (up to `maxOpenFiles`), and the `files` channel's changes become didOpen/didChange/didClose.
 * Past the cap, a file that changes is opened in place of the one least recently touched,
 * preferring one without problems, so what you edit is always checked.
 *
 * The set of files is kept while the server is down; `attach` opens them all in a new server.
 */

import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { FileEventKind } from '../../protocol/index.js';
import type { WorkspacePaths } from './workspace-paths.js';

/** Bigger files are not opened: generated bundles, data. */
export const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;

export interface OpenDocument {
  uri: string;
  languageId: string;
  version: number;
  text: string;
}

/** How documents reach a running server. */
export interface DocumentSender {
  didOpen(document: OpenDocument): void;
  didChange(document: OpenDocument): void;
  didClose(uri: string): void;
}

export interface DocumentSyncOptions {
  paths: WorkspacePaths;
  /** The file endings this server checks. */
  matches(file: string): boolean;
  languageIdOf(file: string): string;
  maxOpenFiles: number;
  /** Whether the server has reported problems in `file` (such files are evicted last). */
  hasProblems(file: string): boolean;
  /** A tracked file is gone from the disk. */
  onRemoved(file: string): void;
  /** An open file was closed to make room for another. */
  onClosed?(file: string): void;
  onError(message: string, error: unknown): void;
}

export interface DocumentCoverage {
  open: number;
  /** Matching files seen, open or not. */
  matching: number;
}

export interface DocumentSync {
  /** The workspace's matching files at start; the first `maxOpenFiles` are tracked. */
  track(files: readonly string[]): void;
  handleFileEvent(file: string, event: FileEventKind): void;
  /**
   * Sends `file`'s text as it is on disk now, if it differs from what the server has (before
   * the file watcher reports the change); resolves once sent. Not a matching file: nothing.
   */
  syncNow(file: string): Promise<void>;
  /** Opens every tracked file in a (re)started server; later changes go to it too. */
  attach(sender: DocumentSender): Promise<void>;
  detach(): void;
  /** The version last sent for `uri`, if it is open. */
  versionOf(uri: string): number | undefined;
  openUris(): string[];
  coverage(): DocumentCoverage;
}

interface Tracked {
  uri: string;
  version: number;
  /** Hash of the text last sent; undefined until sent to the current server. */
  hash: string | undefined;
  lastTouched: number;
}

export function createDocumentSync(options: DocumentSyncOptions): DocumentSync {
  const { paths } = options;
  const tracked = new Map<string, Tracked>();
  const byUri = new Map<string, string>();
  const matching = new Set<string>();
  let sender: DocumentSender | undefined;
  let touchClock = 0;
  /** Every change of the open set runs in order, so a file is never opened twice. */
  let queue: Promise<void> = Promise.resolve();

  const enqueue = (task: () => Promise<void>): Promise<void> => {
    queue = queue.then(task).catch((error) => options.onError('document sync failed', error));
    return queue;
  };

  function startTracking(file: string): Tracked {
    const entry: Tracked = {
      uri: paths.uriOf(file),
      version: 0,
      hash: undefined,
      lastTouched: ++touchClock,
    };
    tracked.set(file, entry);
    byUri.set(entry.uri, file);
    return entry;
  }

  function stopTracking(file: string): void {
    const entry = tracked.get(file);
    if (!entry) return;
    tracked.delete(file);
    byUri.delete(entry.uri);
    if (sender && entry.hash !== undefined) sender.didClose(entry.uri);
  }

  /** Reads `file` within the root, or undefined when it is gone, too big or leads outside. */
  async function readDocument(file: string): Promise<string | undefined> {
    const absolute = await paths.confined(file);
    if (!absolute) return undefined;
    try {
      const found = await stat(absolute);
      if (found.size > MAX_DOCUMENT_BYTES) return undefined;
      // A write still under way when this reads gets a trailing `change` from the files
      // channel once it is done (see files/write-settle.ts), and the file is read again then.
      return await readFile(absolute, 'utf8');
    } catch {
      return undefined;
    }
  }

  /** Sends `file`'s current text to the server: open, change, or nothing when unchanged. */
  async function sync(file: string, entry: Tracked, target: DocumentSender): Promise<void> {
    const text = await readDocument(file);
    if (text === undefined) {
      stopTracking(file);
      return;
    }
    if (sender !== target || tracked.get(file) !== entry) return;
    const hash = createHash('sha1').update(text).digest('base64');
    if (hash === entry.hash) return;
    const opened = entry.hash !== undefined;
    entry.version++;
    entry.hash = hash;
    const document = {
      uri: entry.uri,
      languageId: options.languageIdOf(file),
      version: entry.version,
      text,
    };
    if (opened) target.didChange(document);
    else target.didOpen(document);
  }

  /** Makes room for one more file by closing the least recently touched, problem-free first. */
  function evictOne(): void {
    let victim: [string, Tracked] | undefined;
    let fallback: [string, Tracked] | undefined;
    for (const candidate of tracked) {
      if (!fallback || candidate[1].lastTouched < fallback[1].lastTouched) fallback = candidate;
      if (options.hasProblems(candidate[0])) continue;
      if (!victim || candidate[1].lastTouched < victim[1].lastTouched) victim = candidate;
    }
    const [file] = victim ?? fallback ?? [];
    if (file === undefined) return;
    const wasOpen = tracked.get(file)?.hash !== undefined;
    stopTracking(file);
    if (wasOpen) options.onClosed?.(file);
  }

  async function onChanged(file: string): Promise<void> {
    let entry = tracked.get(file);
    if (!entry) {
      if (options.maxOpenFiles === 0) return;
      if (tracked.size >= options.maxOpenFiles) evictOne();
      entry = startTracking(file);
    }
    entry.lastTouched = ++touchClock;
    if (sender) await sync(file, entry, sender);
  }

  function onRemoved(file: string): void {
    matching.delete(file);
    if (!tracked.has(file)) return;
    stopTracking(file);
    options.onRemoved(file);
  }

  return {
    track(files) {
      for (const file of files) {
        matching.add(file);
        if (tracked.size < options.maxOpenFiles && !tracked.has(file)) startTracking(file);
      }
    },
    handleFileEvent(file, event) {
      if (event === 'unlinkDir') {
        const prefix = `${file}/`;
        void enqueue(async () => {
          for (const known of [...matching]) if (known.startsWith(prefix)) onRemoved(known);
        });
        return;
      }
      if (!options.matches(file)) return;
      if (event === 'unlink') {
        void enqueue(async () => onRemoved(file));
      } else if (event === 'add' || event === 'change') {
        matching.add(file);
        void enqueue(() => onChanged(file));
      }
    },
    syncNow(file) {
      if (!options.matches(file)) return Promise.resolve();
      matching.add(file);
      return enqueue(() => onChanged(file));
    },
    attach(target) {
      sender = target;
      for (const entry of tracked.values()) entry.hash = undefined;
      return enqueue(async () => {
        for (const [file, entry] of [...tracked]) {
          if (sender !== target) return;
          await sync(file, entry, target);
        }
      });
    },
    detach() {
      sender = undefined;
    },
    versionOf(uri) {
      const file = byUri.get(uri);
      return file === undefined ? undefined : tracked.get(file)?.version;
    },
    openUris: () => [...tracked.values()].filter((e) => e.hash !== undefined).map((e) => e.uri),
    coverage: () => ({ open: tracked.size, matching: Math.max(matching.size, tracked.size) }),
  };
}
