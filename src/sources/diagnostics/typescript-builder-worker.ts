/**
 * The project-wide TypeScript check, in a worker thread: one watch program per project
 * (`tsc --watch` semantics, with a semantic-diagnostics builder), so a save rechecks only the
 * files it affects — the saved file first, then its importers — and reports each as soon as it
 * is checked. Files whose problems did not change are not reported again.
 *
 * The watch programs do not watch the disk themselves: the main thread forwards the `files`
 * channel's changes, so there is one file watcher, and every change has a number. After the
 * changes up to a number are checked, `idle` carries it: an exact "done" signal.
 */

import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type * as TS from 'typescript';
import { fileStampSync } from '../../core/file-stamp.js';

export interface BuilderWorkerData {
  /** The workspace root, absolute. */
  root: string;
  /** The `typescript.js` to check with (the workspace's own when it has one). */
  typescript: string;
}

export type BuilderChangeKind = 'add' | 'change' | 'unlink' | 'addDir' | 'unlinkDir';

/** main → worker */
export interface BuilderChanges {
  type: 'changed';
  /** Numbers the changes; `idle` says up to which one they are checked. */
  seq: number;
  changes: { path: string; kind: BuilderChangeKind }[];
  /**
   * Also look at the disk for every file the projects read: a change the file watcher has not
   * reported yet counts too (for `diagnostics.wait`).
   */
  rescan?: boolean;
}

/** An LSP-shaped diagnostic, as diagnostic-conversion takes it. */
export interface BuilderDiagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity: 1 | 2 | 3 | 4;
  code: number;
  source: 'typescript';
  message: string;
}

/** worker → main */
export type BuilderOutput =
  | { type: 'checking' }
  /**
   * Absolute paths and their full current sets (empty: the file has none any more), and the
   * files whose check is complete for every change up to `seq` (reported or unchanged): a
   * wait for one of them need not wait for the rest of the check.
   */
  | { type: 'report'; files: [string, BuilderDiagnostic[]][]; checked: string[]; seq: number }
  /**
   * Every change up to `seq` is checked. `outside`: files added or changed since the last
   * `idle` that no project holds (tsserver is wanted for those).
   */
  | { type: 'idle'; seq: number; projects: string[]; outside: string[] }
  /**
   * The change numbered `seq` changed nothing on disk: what was checked for `same` holds for
   * it too (a wait need not wait for the end of the check).
   */
  | { type: 'unchanged'; seq: number; same: number }
  /** A file changed again once its write settled: no earlier `unchanged` holds any more. */
  | { type: 'changedAgain' }
  | { type: 'failed'; message: string };

/** How long a check may report nothing before the files checked so far are sent. */
const FLUSH_EVERY_MS = 50;

/** TypeScript's watch debounce (250 ms) is for raw fs events; ours come already settled. */
const UPDATE_DELAY_MS = 10;

/**
 * A file modified this recently may still be being written (the first files event of a write
 * can come before its text): it is looked at again this much later.
 */
const WRITE_SETTLE_MS = 100;

const SEVERITY = { 0: 2, 1: 1, 2: 4, 3: 3 } as const;

/** V8's full collection, for this thread (see `collectIfGrown`). */
const collectGarbage = (() => {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
})();
let heapAfterCollection = 0;

const port = parentPort;
if (port) {
  try {
    run(workerData as BuilderWorkerData, (message) => port.postMessage(message), port);
  } catch (error) {
    port.postMessage({ type: 'failed', message: (error as Error).message });
  }
}

function run(
  data: BuilderWorkerData,
  post: (message: BuilderOutput) => void,
  input: NonNullable<typeof parentPort>,
): void {
  const ts = createRequire(import.meta.url)(data.typescript) as typeof TS;
  const root = data.root.replaceAll('\\', '/');
  const fileWatchers = new Map<string, Set<TS.FileWatcherCallback>>();
  const dirWatchers = new Map<
    string,
    Set<{ callback: TS.DirectoryWatcherCallback; recursive: boolean }>
  >();
  let timers = 0;
  let lastSeq = 0;
  /** The last change number that changed anything on disk (a wait's sync may not). */
  let lastEffectiveSeq = 0;
  /** A check runs: the change number its program covers. */
  let checkingSeq: number | undefined;
  /** Files added or changed since the last `idle`. */
  const changedSinceIdle = new Set<string>();
  /** Per project: its update timers still to run, and the files of its last program. */
  const timersOf = new Map<string, number>();
  const filesOf = new Map<string, Set<string>>();

  const addTo = <T>(map: Map<string, Set<T>>, key: string, value: T): TS.FileWatcher => {
    const set = map.get(key) ?? new Set<T>();
    set.add(value);
    map.set(key, set);
    return {
      close() {
        set.delete(value);
        if (set.size === 0 && map.get(key) === set) map.delete(key);
      },
    };
  };

  /** Each file the projects read, as it was on disk when read (its stamp, see core/file-stamp). */
  const readTimes = new Map<string, string | undefined>();
  const modifiedTime = fileStampSync;

  const systemFor = (project: string): TS.System => ({
    ...ts.sys,
    readFile(path, encoding) {
      readTimes.set(normalize(path), modifiedTime(path));
      return ts.sys.readFile(path, encoding);
    },
    watchFile: (path, callback) => addTo(fileWatchers, normalize(path), callback),
    watchDirectory: (path, callback, recursive) =>
      addTo(dirWatchers, normalize(path), { callback, recursive: recursive ?? false }),
    setTimeout(callback, _ms, ...args) {
      countTimer(project, 1);
      return setTimeout(() => {
        countTimer(project, -1);
        callback(...args);
        settleIfDone();
      }, UPDATE_DELAY_MS);
    },
    clearTimeout(timer) {
      countTimer(project, -1);
      clearTimeout(timer as NodeJS.Timeout);
    },
  });

  function countTimer(project: string, by: 1 | -1): void {
    timers += by;
    timersOf.set(project, (timersOf.get(project) ?? 0) + by);
  }

  /** No other project that has `file` is still to update: its check is complete. */
  const completeIn = (project: string, file: string) =>
    [...timersOf].every(
      ([other, pending]) => other === project || pending === 0 || !filesOf.get(other)?.has(file),
    );

  /** Per project, per file: what that project last found there. */
  const found = new Map<string, Map<string, BuilderDiagnostic[]>>();
  /** Per file: the merged set last posted. */
  const posted = new Map<string, string>();
  let batch: [string, BuilderDiagnostic[]][] = [];
  let checked: string[] = [];
  let lastFlush = 0;
  let firstOfCheck = false;

  /** The change number what a check finds now is right for. */
  function coveredSeq(): number {
    if (checkingSeq === undefined || lastEffectiveSeq <= checkingSeq) return lastSeq;
    return checkingSeq;
  }

  function flush(): void {
    if (batch.length === 0 && checked.length === 0) return;
    post({ type: 'report', files: batch, checked, seq: coveredSeq() });
    batch = [];
    checked = [];
    lastFlush = Date.now();
  }

  /** Records a project's set for `file`; posts the union over projects when it changed. */
  function record(project: string, file: string, diagnostics: BuilderDiagnostic[]): void {
    const mine = found.get(project)!;
    if (diagnostics.length > 0) mine.set(file, diagnostics);
    else mine.delete(file);
    const merged = new Map<string, BuilderDiagnostic>();
    for (const sets of found.values()) {
      for (const diagnostic of sets.get(file) ?? []) {
        merged.set(JSON.stringify(diagnostic), diagnostic);
      }
    }
    const set = [...merged.values()];
    const key = JSON.stringify(set);
    if ((posted.get(file) ?? '[]') !== key) {
      if (set.length > 0) posted.set(file, key);
      else posted.delete(file);
      batch.push([file, set]);
    }
    if (completeIn(project, file)) checked.push(file);
    // The first file of a check (the saved one) goes at once; the rest in small batches.
    if (firstOfCheck || Date.now() - lastFlush > FLUSH_EVERY_MS) flush();
    firstOfCheck = false;
  }

  function convert(diagnostic: TS.Diagnostic): BuilderDiagnostic | undefined {
    const { file, start, length } = diagnostic;
    if (!file || start === undefined) return undefined;
    const from = file.getLineAndCharacterOfPosition(start);
    const to = file.getLineAndCharacterOfPosition(start + (length ?? 0));
    return {
      range: { start: from, end: to },
      severity: SEVERITY[diagnostic.category],
      code: diagnostic.code,
      source: 'typescript',
      message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'),
    };
  }

  function check(project: string, builder: TS.SemanticDiagnosticsBuilderProgram): void {
    checkingSeq = lastSeq;
    try {
      checkProgram(project, builder);
    } finally {
      checkingSeq = undefined;
    }
  }

  function checkProgram(project: string, builder: TS.SemanticDiagnosticsBuilderProgram): void {
    post({ type: 'checking' });
    firstOfCheck = true;
    const program = builder.getProgram();
    const report = (file: TS.SourceFile, semantic: readonly TS.Diagnostic[]) => {
      if (
        program.isSourceFileFromExternalLibrary(file) ||
        program.isSourceFileDefaultLibrary(file)
      ) {
        return;
      }
      const all = [
        ...program.getSyntacticDiagnostics(file),
        ...semantic,
        ...suggestionsOf(program, file),
      ];
      record(
        project,
        normalize(file.fileName),
        all.flatMap((d) => convert(d) ?? []),
      );
    };
    let everything = false;
    for (let first = true; ; first = false) {
      const next = builder.getSemanticDiagnosticsOfNextAffectedFile();
      if (!next) break;
      if ('fileName' in next.affected) report(next.affected as TS.SourceFile, next.result);
      else everything = true; // options changed: every file is affected
      // The saved file is out: the previous program (and its checker) is garbage now, and is
      // freed before this one's checker grows over the importers (saves in a row never idle).
      if (first) collectIfGrown();
      // Messages that came meanwhile (a wait's sync, say) are taken in between files: one
      // that changes nothing lets the files checked from now on count for it too. A real
      // change only schedules the next check.
      for (let queued = receiveMessageOnPort(input); queued; queued = receiveMessageOnPort(input)) {
        handle(queued.message as BuilderChanges);
      }
    }
    const files = new Set<string>();
    for (const file of program.getSourceFiles()) files.add(normalize(file.fileName));
    filesOf.set(project, files);
    if (everything) {
      for (const file of program.getSourceFiles()) {
        report(file, builder.getSemanticDiagnostics(file));
      }
    }
    // Files that left the project (deleted, excluded) have nothing to say any more.
    for (const file of [...found.get(project)!.keys()]) {
      if (!files.has(file)) record(project, file, []);
    }
    flush();
  }

  function settleIfDone(): void {
    if (timers > 0 || checkingSeq !== undefined) return;
    flush();
    const outside = [...changedSinceIdle].filter((file) =>
      [...filesOf.values()].every((files) => !files.has(file)),
    );
    changedSinceIdle.clear();
    post({ type: 'idle', seq: lastSeq, projects: [...found.keys()], outside });
    collectIfGrown();
  }

  input.on('message', handle);

  function handle(message: BuilderChanges): void {
    if (message?.type !== 'changed') return;
    lastSeq = message.seq;
    let changes = message.changes.map(({ path, kind }) => ({ file: normalize(path), kind }));
    // A change to a file already read as it is on disk now (a wait's sync found it first)
    // needs no new check: a wait then ends with the check under way, not after another one.
    changes = changes.filter(
      ({ file, kind }) =>
        kind !== 'change' || !readTimes.has(file) || readTimes.get(file) !== modifiedTime(file),
    );
    if (message.rescan) {
      for (const [file, time] of readTimes) {
        const now = modifiedTime(file);
        if (now !== time && !changes.some((change) => change.file === file)) {
          changes.push({ file, kind: now === undefined ? 'unlink' : 'change' });
        }
      }
    }
    if (changes.length > 0) lastEffectiveSeq = message.seq;
    else if (checkingSeq !== undefined || timers > 0) {
      post({ type: 'unchanged', seq: message.seq, same: lastEffectiveSeq });
    }
    for (const { file, kind } of changes) {
      if (kind === 'add' || kind === 'change') {
        changedSinceIdle.add(file);
        lookAgainIfWriting(file);
      }
      dispatch(file, kind);
    }
    settleIfDone();
  }

  /** Files to look at again once their write has settled. */
  const writing = new Set<string>();

  /**
   * A file modified a moment ago is looked at again once its write has settled: if what the
   * projects read differs from the disk then, it is changed again. (Until then the check is
   * not idle: its end would not be final.)
   */
  function lookAgainIfWriting(file: string): void {
    if (writing.has(file)) return;
    const modified = mtimeMsOf(file);
    if (modified === undefined || Date.now() - modified >= WRITE_SETTLE_MS) return;
    writing.add(file);
    timers++;
    setTimeout(() => {
      writing.delete(file);
      timers--;
      const now = modifiedTime(file);
      if (readTimes.has(file) && readTimes.get(file) !== now) {
        lastEffectiveSeq = lastSeq;
        post({ type: 'changedAgain' });
        dispatch(file, now === undefined ? 'unlink' : 'change');
      }
      settleIfDone();
    }, WRITE_SETTLE_MS);
  }

  /** Tells the watch programs of a change, as their own file watchers would. */
  function dispatch(file: string, kind: BuilderChangeKind): void {
    const event =
      kind === 'add' || kind === 'addDir'
        ? ts.FileWatcherEventKind.Created
        : kind === 'change'
          ? ts.FileWatcherEventKind.Changed
          : ts.FileWatcherEventKind.Deleted;
    for (const callback of [...(fileWatchers.get(file) ?? [])]) callback(file, event);
    for (const [folder, watchers] of dirWatchers) {
      const inside = file.startsWith(`${folder}/`);
      if (!inside) continue;
      const direct = dirname(file) === folder;
      for (const { callback, recursive } of [...watchers]) {
        if (recursive || direct) callback(file);
      }
    }
  }

  for (const project of findProjects(ts, root)) {
    found.set(project, new Map());
    const host = ts.createWatchCompilerHost(
      project,
      { noEmit: true },
      systemFor(project),
      ts.createSemanticDiagnosticsBuilderProgram,
      () => undefined, // config errors come back through the program's own diagnostics
      () => undefined,
    );
    host.afterProgramCreate = (builder) => check(project, builder);
    ts.createWatchProgram(host);
  }
  settleIfDone();
}

/**
 * The checker's hints for a checked file (unused names, deprecations), as tsserver shows them.
 * `getSuggestionDiagnostics` is not in TypeScript's public typings; without it, none.
 */
function suggestionsOf(program: TS.Program, file: TS.SourceFile): readonly TS.Diagnostic[] {
  const withSuggestions = program as TS.Program & {
    getSuggestionDiagnostics?(file: TS.SourceFile): readonly TS.Diagnostic[];
  };
  try {
    return withSuggestions.getSuggestionDiagnostics?.(file) ?? [];
  } catch {
    return [];
  }
}

function mtimeMsOf(path: string): number | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false })?.mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * Each recheck builds a new program; V8 frees the old ones only when it must, so the heap (and
 * the process's memory) would grow to several programs' size over a few saves. Once a check
 * is over and the heap has grown by a tenth since the last collection, one full collection
 * brings it back to one program.
 */
function collectIfGrown(): void {
  if (!collectGarbage) return;
  const used = getHeapStatistics().used_heap_size;
  if (used < heapAfterCollection * 1.1) return;
  collectGarbage();
  heapAfterCollection = getHeapStatistics().used_heap_size;
}

function normalize(path: string): string {
  return path.replaceAll('\\', '/');
}

/**
 * The projects `tsc -b` would check from the root's tsconfig.json (or jsconfig.json): the
 * root itself, or, when it only lists references (a "solution" config), those, recursively.
 */
function findProjects(ts: typeof TS, root: string): string[] {
  const rootConfig = [`${root}/tsconfig.json`, `${root}/jsconfig.json`].find((file) =>
    ts.sys.fileExists(file),
  );
  if (!rootConfig) return [];
  const projects: string[] = [];
  const seen = new Set<string>();
  const host: TS.ParseConfigFileHost = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: () => undefined,
  };
  const visit = (config: string) => {
    if (seen.has(config)) return;
    seen.add(config);
    const parsed = ts.getParsedCommandLineOfConfigFile(config, {}, host);
    const references = parsed?.projectReferences ?? [];
    if (parsed && parsed.fileNames.length === 0 && references.length > 0) {
      for (const reference of references) visit(ts.resolveProjectReferencePath(reference));
    } else {
      projects.push(config);
    }
  };
  visit(rootConfig);
  return projects;
}
