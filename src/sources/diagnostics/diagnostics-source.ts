/**
 * The `diagnostics` source: the workspace's problems from real language servers. It starts
 * the servers that apply (see server-registry), keeps their documents in step with the
 * `files` channel, and streams one `updated` per file whose set of problems changed.
 * Each server's state is reported on `system` as `diagnostics:<server>`, including its
 * progress ("Initializing JS/TS language features") while it works.
 */

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { childEnvironment } from '../../core/child-environment.js';
import { SidecarError } from '../../core/errors.js';
import { defineMethod } from '../../core/methods.js';
import type { Source, SourceContext, SourceEvent } from '../../core/source.js';
import type {
  Diagnostic,
  DiagnosticsSnapshot,
  FileEventData,
  FileEventKind,
  FilesBatchData,
} from '../../protocol/index.js';
import { type Activity, createActivity } from './activity.js';
import { toProtocolDiagnostics } from './diagnostic-conversion.js';
import { createDiagnosticsStore } from './diagnostics-store.js';
import { createDocumentSync, type DocumentSync } from './document-sync.js';
import type { LanguageServer } from './language-server.js';
import { createLazyLanguageServer } from './lazy-language-server.js';
import type { LspServerConfig } from './lsp-settings.js';
import { DEFAULT_MESSAGE_LIMITS, type MessageLimits } from './message-guard.js';
import { getParams, waitParams } from './method-params.js';
import { type ProjectCheck, withOutside } from './project-check-settle.js';
import { parsePublishedSet } from './published-diagnostics.js';
import { DEFAULT_RESTART_POLICY, type RestartPolicyOptions } from './restart-policy.js';
import { type LanguageServerSpec, resolveLanguageServers } from './server-registry.js';
import { createSettleTracker, type SettleTracker } from './settle-tracker.js';
import { createTypeScriptBuilder } from './typescript-builder.js';
import { hasEnding, listWorkspaceFiles } from './workspace-files.js';
import { createWorkspacePaths, type WorkspacePaths } from './workspace-paths.js';

export interface DiagnosticsSourceOptions {
  /** Language servers besides the built-in TypeScript one (the config file's `lsp`). */
  servers?: readonly LspServerConfig[];
  /** The most files each server is given to check. */
  maxOpenFiles?: number;
  /** A server that has not answered `initialize` by then is restarted. */
  initializeTimeoutMs?: number;
  /** How long a polite shutdown may take before the process group is killed. */
  shutdownTimeoutMs?: number;
  restart?: Partial<RestartPolicyOptions>;
  limits?: Partial<MessageLimits>;
  /**
   * A document sent to a server that has said nothing for this long (and shows no progress)
   * counts as answered: some servers never republish a file that stays clean.
   */
  settleQuietMs?: number;
  /**
   * Whether the built-in TypeScript server gets the project-wide check beside it (default
   * true): the check then reports every file of the workspace's projects, and tsserver is
   * started only for edited files that no project holds.
   */
  typescriptProjectCheck?: boolean;
}

/** With the project check on, the most files outside its projects tsserver keeps open. */
const EDITED_FILES_OPEN = 32;

/** What the source is handed: its events are the `diagnostics` channel's. */
type Context = SourceContext<'diagnostics'>;

export interface DiagnosticsSource extends Source<'diagnostics'> {
  /** The language servers and their current process ids (for tools and tests). */
  servers(): { name: string; pid: number | undefined }[];
}

/** Whether two sets differ at most in their hints. */
function sameWithoutHints(a: readonly Diagnostic[], b: readonly Diagnostic[]): boolean {
  const withoutHints = (set: readonly Diagnostic[]) =>
    JSON.stringify(set.filter((d) => d.severity !== 'hint'));
  return withoutHints(a) === withoutHints(b);
}

/** What the source uses for an option not given. */
export const DIAGNOSTICS_DEFAULTS = Object.freeze({
  /** The most files each language server is given to check. */
  maxOpenFiles: 2000,
});

/** One language server and what belongs to it. */
interface Running {
  spec: LanguageServerSpec;
  documents: DocumentSync;
  server: LanguageServer;
  settle: SettleTracker;
  /** The project-wide check beside the built-in TypeScript server, when on. */
  project?: ProjectCheck;
}

/** What `diagnostics:typescript` says while the project check makes tsserver unneeded. */
const TSSERVER_NOT_NEEDED =
  'not started: the project check (diagnostics:typescript-project) reports every file of the projects; tsserver starts for an edited file outside them';

export function createDiagnosticsSource(options: DiagnosticsSourceOptions = {}): DiagnosticsSource {
  const store = createDiagnosticsStore();
  const maxOpenFiles = options.maxOpenFiles ?? DIAGNOSTICS_DEFAULTS.maxOpenFiles;
  let running: Running[] = [];
  let unavailableReason: string | undefined = 'the diagnostics source has not started';
  let stopListening: (() => void) | undefined;
  let startup: AbortController | undefined;
  let activity: Activity | undefined;
  /** Per server and URI, the document version its last report was about. */
  const reportedVersions = new Map<string, number>();
  /** The root, once started: published sets get their URI from it. */
  let root: string | undefined;
  /** Servers whose sets were published by clients (an editor) rather than run here. */
  const publishedServers = new Set<string>();
  /** Names a client may not publish under: the sidecar's own language servers. */
  const ownServers = new Set([
    'typescript',
    ...(options.servers ?? []).map((server) => server.name),
  ]);

  function publish(
    ctx: Context,
    paths: WorkspacePaths,
    server: string,
    uri: string,
    raw: unknown,
    /** From the TypeScript project check rather than the language server itself. */
    fromProjectCheck = false,
    /** (From the project check) the file's own text changed since its last set. */
    editedOnDisk = false,
  ) {
    const file = paths.fileOf(uri);
    if (file === undefined) return; // outside the workspace (a library's types, say)
    const diagnostics = toProtocolDiagnostics(raw);
    // Was the file's text changed since the server last reported on it? (The project check
    // computes no hints: its set replacing tsserver's drops them without news.)
    const key = `${server}\0${uri}`;
    let edited = editedOnDisk;
    if (!fromProjectCheck) {
      const version = running.find((r) => r.spec.name === server)?.documents.versionOf(uri);
      edited = version === undefined || reportedVersions.get(key) !== version;
      if (version === undefined) reportedVersions.delete(key);
      else reportedVersions.set(key, version);
    }
    const previous = store.filesOf(server, file)[0]?.diagnostics ?? [];
    if (!store.set({ file, uri, server, diagnostics })) return;
    // Hints coming and going in a file nobody edited (deprecations, unused names) are kept
    // for snapshots but not sent: tsserver does that to many files on every edit.
    if (!edited && sameWithoutHints(previous, diagnostics)) return;
    try {
      ctx.emit('updated', { file, uri, server, diagnostics, summary: store.summary() });
    } catch (error) {
      ctx.log.error(`could not emit diagnostics for ${file}`, error);
    }
  }

  /**
   * Forgets what a server said about `file` (every file when absent): the project check's set
   * takes its place where there is one.
   */
  function clearServer(ctx: Context, paths: WorkspacePaths, server: string, file?: string) {
    const project = running.find((r) => r.spec.name === server)?.project;
    for (const entry of store.filesOf(server, file)) {
      const fallback = file === undefined ? project?.sets.get(entry.uri) : undefined;
      publish(ctx, paths, server, entry.uri, fallback ?? [], fallback !== undefined);
    }
  }

  /**
   * A set from the project check. One server name for both: the check's set stands unless
   * tsserver has the file open and has answered for its current text (tsserver's answer then
   * adds hints the check does not compute).
   */
  function publishProjectSet(
    ctx: Context,
    paths: WorkspacePaths,
    { spec, documents, project }: Running,
    uri: string,
    raw: unknown[],
  ) {
    if (raw.length > 0) project!.sets.set(uri, raw);
    else project!.sets.delete(uri);
    const version = documents.versionOf(uri);
    if (version !== undefined && reportedVersions.get(`${spec.name}\0${uri}`) === version) return;
    const file = paths.fileOf(uri);
    const edited = file !== undefined && project!.edited.delete(file);
    publish(ctx, paths, spec.name, uri, raw, true, edited);
  }

  /** tsserver for files no project holds: started with the first of them. */
  function openOutside(entry: Running, files: readonly string[]): void {
    const project = entry.project!;
    const extensions = new Set(entry.spec.extensions);
    const wanted = files.filter(
      (file) => hasEnding(file, extensions) && !project.outside.has(file),
    );
    if (wanted.length === 0) return;
    for (const file of wanted) {
      project.outside.add(file);
      entry.documents.handleFileEvent(file, 'change');
    }
    if (!project.serverStarted) {
      project.serverStarted = true;
      entry.server.start();
    }
    activity?.update();
  }

  function startServer(ctx: Context, paths: WorkspacePaths, spec: LanguageServerSpec) {
    const log = ctx.log.child(spec.name);
    const extensions = new Set(spec.extensions);
    const withProject =
      spec.typescriptLib !== undefined && (options.typescriptProjectCheck ?? true);
    const documents: DocumentSync = createDocumentSync({
      paths,
      matches: (file) => hasEnding(file, extensions),
      languageIdOf: spec.languageIdOf,
      maxOpenFiles: withProject ? Math.min(maxOpenFiles, EDITED_FILES_OPEN) : maxOpenFiles,
      hasProblems: (file) => store.has(file, spec.name),
      onRemoved: (file) => clearServer(ctx, paths, spec.name, file),
      onClosed: (file) => {
        // tsserver no longer follows it: the project check's set stands again.
        const uri = paths.uriOf(file);
        reportedVersions.delete(`${spec.name}\0${uri}`);
        if (entry.project) {
          publish(ctx, paths, spec.name, uri, entry.project.sets.get(uri) ?? [], true);
        }
      },
      onError: (message, error) => log.warn(message, error),
    });
    const settle = createSettleTracker({
      quietMs: options.settleQuietMs ?? 1500,
      onChange: () => activity?.update(),
    });
    const server = createLazyLanguageServer({
      spec,
      paths,
      documents,
      settle,
      env: childEnvironment(),
      log,
      limits: { ...DEFAULT_MESSAGE_LIMITS, ...options.limits },
      restart: { ...DEFAULT_RESTART_POLICY, ...options.restart },
      initializeTimeoutMs: options.initializeTimeoutMs ?? 60_000,
      shutdownTimeoutMs: options.shutdownTimeoutMs ?? 3_000,
      onState: (state, message) => ctx.setPartState(spec.name, state, message),
      onDiagnostics: (uri, raw) => publish(ctx, paths, spec.name, uri, raw),
      onGone: () => clearServer(ctx, paths, spec.name),
      note() {
        if (entry.project) return undefined;
        const { open, matching } = documents.coverage();
        return matching > open
          ? `checking ${open} of ${matching} files (maxOpenFiles is ${maxOpenFiles}); the others are checked once they change`
          : undefined;
      },
    });
    const entry: Running = { spec, documents, server, settle };
    if (withProject) {
      const part = `${spec.name}-project`;
      const project: ProjectCheck = {
        sets: new Map(),
        outside: new Set(),
        edited: new Set(),
        serverStarted: false,
        builder: createTypeScriptBuilder({
          paths,
          typescriptLib: spec.typescriptLib!,
          restart: { ...DEFAULT_RESTART_POLICY, ...options.restart },
          onReport: (uri, raw) => publishProjectSet(ctx, paths, entry, uri, raw),
          onState: (state, message) => ctx.setPartState(part, state, message),
          onSettleChange: () => activity?.update(),
          onGone: () => {
            for (const uri of [...project.sets.keys()])
              publishProjectSet(ctx, paths, entry, uri, []);
          },
          onOutside: (files) => openOutside(entry, files),
          log: log.child('project'),
        }),
      };
      entry.project = project;
    }
    return entry;
  }

  function followFiles(event: SourceEvent): void {
    const changes =
      event.event === 'batch'
        ? (event.data as FilesBatchData).events
        : event.event === 'ready'
          ? []
          : [event.data as FileEventData];
    for (const { file, event: kind } of changes) {
      for (const { spec, documents, project } of running) {
        if (project) {
          const edit = kind === 'add' || kind === 'change';
          if (edit && hasEnding(file, new Set(spec.extensions))) {
            project.edited.add(file);
          }
          // tsserver follows only the files no project holds.
          if (!followsOutside(project, file, kind as FileEventKind)) continue;
        }
        documents.handleFileEvent(file, kind as FileEventKind);
      }
    }
    for (const { project } of running) {
      project?.builder.changed(changes.map(({ file, event: kind }) => ({ file, kind })));
    }
  }

  /** Whether tsserver beside the project check is to hear of this change (and forgets removed files). */
  function followsOutside(project: ProjectCheck, file: string, kind: FileEventKind): boolean {
    if (kind === 'unlinkDir') {
      for (const known of [...project.outside]) {
        if (known.startsWith(`${file}/`)) project.outside.delete(known);
      }
      return project.serverStarted;
    }
    if (!project.outside.has(file)) return false;
    if (kind === 'unlink') project.outside.delete(file);
    return true;
  }

  /** Lists the workspace once for every server, then starts them; runs after `start` returns. */
  async function openWorkspace(ctx: Context, signal: AbortSignal): Promise<void> {
    const endings = new Set(running.flatMap(({ spec }) => spec.extensions));
    const files = await listWorkspaceFiles(ctx.root, endings, signal);
    if (signal.aborted) return;
    for (const { spec, documents, server, project } of running) {
      const extensions = new Set(spec.extensions);
      if (project) {
        // The project check reports every file; tsserver waits for a file outside it.
        if (!project.serverStarted) ctx.setPartState(spec.name, 'stopped', TSSERVER_NOT_NEEDED);
        continue;
      }
      documents.track(files.filter((file) => hasEnding(file, extensions)));
      const { open, matching } = documents.coverage();
      if (matching > open) {
        ctx.log.info(
          `${spec.name}: ${matching} files match, checking the first ${open} (maxOpenFiles)`,
        );
      }
      server.start();
    }
  }

  async function stop(): Promise<void> {
    startup?.abort();
    startup = undefined;
    stopListening?.();
    stopListening = undefined;
    const stopping = running;
    running = [];
    unavailableReason = 'the diagnostics source is stopped';
    activity?.dispose();
    activity = undefined;
    await Promise.all(
      stopping.flatMap(({ server, project }) => [server.stop(), project?.builder.stop()]),
    );
    for (const { settle } of stopping) settle.dispose();
  }

  return {
    name: 'diagnostics',
    channel: 'diagnostics',
    async start(ctx) {
      await stop();
      root = ctx.root;
      const paths = createWorkspacePaths(ctx.root);
      const { servers, unavailable } = resolveLanguageServers(ctx.root, options.servers ?? []);
      for (const { name, reason } of unavailable) ctx.setPartState(name, 'unavailable', reason);
      if (servers.length === 0) {
        unavailableReason = unavailable.length
          ? `no language server can run here: ${unavailable.map((u) => `${u.name}: ${u.reason}`).join('; ')}`
          : 'no language server for this workspace: it has no tsconfig.json or jsconfig.json, and no "lsp" servers are configured';
        throw new Error(unavailableReason);
      }
      unavailableReason = undefined;
      activity = createActivity(
        () =>
          running.map(({ spec, settle, project }) => {
            const extensions = new Set(spec.extensions);
            return {
              name: spec.name,
              // The project check's end is exact; tsserver counts for the files only it checks.
              settle: project ? withOutside(project, settle, paths) : settle,
              handles: (file: string) => hasEnding(file, extensions),
              uriOf: paths.uriOf,
              fileOf: paths.fileOf,
            };
          }),
        (data) => ctx.emitSystem?.('diagnostics', data),
      );
      running = servers.map((spec) => startServer(ctx, paths, spec));
      activity.update();
      for (const { spec } of running) ctx.setPartState(spec.name, 'starting');
      stopListening = ctx.onEvent('files', followFiles);
      const controller = new AbortController();
      startup = controller;
      openWorkspace(ctx, controller.signal).catch((error) => {
        if (!controller.signal.aborted) ctx.log.error('could not list the workspace files', error);
      });
    },
    stop,
    snapshot: (): DiagnosticsSnapshot => store.snapshot(),
    ingestPublish(event, data) {
      if (root === undefined) throw new SidecarError('UNAVAILABLE', 'diagnostics have not started');
      const { file, server, diagnostics } = parsePublishedSet(event, data, ownServers);
      const uri = pathToFileURL(join(root, file)).href;
      store.set({ file, uri, server, diagnostics });
      publishedServers.add(server);
      return { file, uri, server, diagnostics, summary: store.summary() };
    },
    servers: () => running.map(({ server }) => ({ name: server.name, pid: server.pid })),
    methods: [
      defineMethod({
        name: 'diagnostics.get',
        params: getParams,
        handler: ({ file }): DiagnosticsSnapshot => {
          // An editor's published sets are worth answering even with no language server here.
          if (unavailableReason && publishedServers.size === 0)
            throw new SidecarError('UNAVAILABLE', unavailableReason);
          return store.snapshot(file);
        },
      }),
      defineMethod({
        name: 'diagnostics.wait',
        params: waitParams,
        handler: async ({ files, timeoutMs }) => {
          if (unavailableReason || !activity) {
            throw new SidecarError('UNAVAILABLE', unavailableReason ?? 'not started');
          }
          const waiting = activity;
          // What is on disk now counts, even if the file watcher has not reported it yet.
          await Promise.all(
            (files ?? []).flatMap((file) =>
              running
                .filter(({ project }) => !project || project.outside.has(file))
                .map(({ documents }) => documents.syncNow(file)),
            ),
          );
          for (const { project } of running) {
            project?.builder.sync(files ?? []);
          }
          return waiting.wait(files, timeoutMs ?? 30_000);
        },
      }),
    ],
  };
}
