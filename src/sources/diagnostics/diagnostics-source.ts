/**
 * The `diagnostics` source: the workspace's problems from real language servers. It starts
 * the servers that apply (see server-registry), keeps their documents in step with the
 * `files` channel, and streams one `updated` per file whose set of problems changed.
 * Each server's state is reported on `system` as `diagnostics:<server>`, including its
 * progress ("Initializing JS/TS language features") while it works.
 */

import { posix } from 'node:path';
import { z } from 'zod';
import { childEnvironment } from '../../core/child-environment.js';
import type {
  DiagnosticsSnapshot,
  FileEventData,
  FileEventKind,
  FilesBatchData,
} from '../../protocol.js';
import { SidecarError } from '../../server/errors.js';
import { defineMethod } from '../../server/methods.js';
import { DEFAULTS } from '../../server/options.js';
import type { Source, SourceContext, SourceEvent } from '../source.js';
import { toProtocolDiagnostics } from './diagnostic-conversion.js';
import { createDiagnosticsStore } from './diagnostics-store.js';
import { createDocumentSync, type DocumentSync } from './document-sync.js';
import { createLanguageServer, type LanguageServer } from './language-server.js';
import type { LspServerConfig } from './lsp-settings.js';
import { DEFAULT_MESSAGE_LIMITS, type MessageLimits } from './message-guard.js';
import { DEFAULT_RESTART_POLICY, type RestartPolicyOptions } from './restart-policy.js';
import { type LanguageServerSpec, resolveLanguageServers } from './server-registry.js';
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
}

export interface DiagnosticsSource extends Source {
  /** The language servers and their current process ids (for tools and tests). */
  servers(): { name: string; pid: number | undefined }[];
}

/** `diagnostics.get` params: an optional root-relative file. */
const getParams = z
  .union([
    z.undefined(),
    z.null(),
    z
      .object({
        file: z
          .string()
          .min(1)
          .max(4096)
          .transform((file) => posix.normalize(file.replaceAll('\\', '/')))
          .refine((file) => !/^(\/|\.\.(\/|$)|[A-Za-z]:)/.test(file), {
            message: 'must be a path relative to the workspace root, inside it',
          })
          .optional(),
      })
      .strict(),
  ])
  .transform((params) => params ?? {});

/** One language server and what belongs to it. */
interface Running {
  spec: LanguageServerSpec;
  documents: DocumentSync;
  server: LanguageServer;
}

export function createDiagnosticsSource(options: DiagnosticsSourceOptions = {}): DiagnosticsSource {
  const store = createDiagnosticsStore();
  const maxOpenFiles = options.maxOpenFiles ?? DEFAULTS.maxOpenFiles;
  let running: Running[] = [];
  let unavailableReason: string | undefined = 'the diagnostics source has not started';
  let stopListening: (() => void) | undefined;
  let startup: AbortController | undefined;

  function publish(
    ctx: SourceContext,
    paths: WorkspacePaths,
    server: string,
    uri: string,
    raw: unknown,
  ) {
    const file = paths.fileOf(uri);
    if (file === undefined) return; // outside the workspace (a library's types, say)
    const diagnostics = toProtocolDiagnostics(raw);
    if (!store.set({ file, uri, server, diagnostics })) return;
    try {
      ctx.emit('updated', { file, uri, server, diagnostics, summary: store.summary() });
    } catch (error) {
      ctx.log.error(`could not emit diagnostics for ${file}`, error);
    }
  }

  function clearServer(ctx: SourceContext, paths: WorkspacePaths, server: string, file?: string) {
    for (const entry of store.filesOf(server, file)) publish(ctx, paths, server, entry.uri, []);
  }

  function startServer(ctx: SourceContext, paths: WorkspacePaths, spec: LanguageServerSpec) {
    const log = ctx.log.child(spec.name);
    const extensions = new Set(spec.extensions);
    const documents: DocumentSync = createDocumentSync({
      paths,
      matches: (file) => hasEnding(file, extensions),
      languageIdOf: spec.languageIdOf,
      maxOpenFiles,
      hasProblems: (file) => store.has(file, spec.name),
      onRemoved: (file) => clearServer(ctx, paths, spec.name, file),
      onError: (message, error) => log.warn(message, error),
    });
    const server = createLanguageServer({
      spec,
      paths,
      documents,
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
        const { open, matching } = documents.coverage();
        return matching > open
          ? `checking ${open} of ${matching} files (maxOpenFiles is ${maxOpenFiles}); the others are checked once they change`
          : undefined;
      },
    });
    return { spec, documents, server };
  }

  function followFiles(event: SourceEvent): void {
    const changes =
      event.event === 'batch'
        ? (event.data as FilesBatchData).events
        : event.event === 'ready'
          ? []
          : [event.data as FileEventData];
    for (const { file, event: kind } of changes) {
      for (const { documents } of running) documents.handleFileEvent(file, kind as FileEventKind);
    }
  }

  /** Lists the workspace once for every server, then starts them; runs after `start` returns. */
  async function openWorkspace(ctx: SourceContext, signal: AbortSignal): Promise<void> {
    const endings = new Set(running.flatMap(({ spec }) => spec.extensions));
    const files = await listWorkspaceFiles(ctx.root, endings, signal);
    if (signal.aborted) return;
    for (const { spec, documents, server } of running) {
      const extensions = new Set(spec.extensions);
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
    await Promise.all(stopping.map(({ server }) => server.stop()));
  }

  return {
    name: 'diagnostics',
    channel: 'diagnostics',
    async start(ctx) {
      await stop();
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
      running = servers.map((spec) => startServer(ctx, paths, spec));
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
    servers: () => running.map(({ server }) => ({ name: server.name, pid: server.pid })),
    methods: [
      defineMethod({
        name: 'diagnostics.get',
        params: getParams,
        handler: ({ file }): DiagnosticsSnapshot => {
          if (unavailableReason) throw new SidecarError('UNAVAILABLE', unavailableReason);
          return store.snapshot(file);
        },
      }),
    ],
  };
}
