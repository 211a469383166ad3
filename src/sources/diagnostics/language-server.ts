/**
 * One managed language server: started, initialized, fed the workspace's documents, restarted
 * with backoff when it crashes (or floods, sends garbage, or never answers `initialize`),
 * given up on (`failed`) after too many crashes in a short time, and shut down politely.
 */

import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type DiagnosticOptions,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DidSaveTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  type InitializeParams,
  InitializeRequest,
  type ProtocolConnection,
  ShutdownRequest,
} from 'vscode-languageserver-protocol/node';
import type { Logger } from '../../core/logger.js';
import { VERSION } from '../../core/version.js';
import type { SourceState } from '../../protocol/index.js';
import { answerServerRequests, CLIENT_CAPABILITIES } from './client-protocol.js';
import type { DocumentSender, DocumentSync } from './document-sync.js';
import { type ConnectionFault, type LspConnection, startLspProcess } from './lsp-connection.js';
import type { MessageLimits } from './message-guard.js';
import { createProgressTracker, type ProgressTracker } from './progress.js';
import { createPullDiagnostics, type PullDiagnostics } from './pull-diagnostics.js';
import { createRestartPolicy, type RestartPolicyOptions } from './restart-policy.js';
import type { LanguageServerSpec } from './server-registry.js';
import type { SettleTracker } from './settle-tracker.js';
import type { WorkspacePaths } from './workspace-paths.js';

export interface LanguageServerOptions {
  spec: LanguageServerSpec;
  paths: WorkspacePaths;
  documents: DocumentSync;
  /** Told what was sent and what was answered, to say when the server has settled. */
  settle: SettleTracker;
  env: NodeJS.ProcessEnv;
  log: Logger;
  limits: MessageLimits;
  restart: RestartPolicyOptions;
  initializeTimeoutMs: number;
  /** How long a polite shutdown may take before the process group is killed. */
  shutdownTimeoutMs: number;
  onState(state: SourceState, message?: string): void;
  /** Raw LSP diagnostics for `uri`, to be checked by the caller. */
  onDiagnostics(uri: string, diagnostics: unknown): void;
  /** The server is stopped for good (failed, unavailable, stopped): its reports are stale. */
  onGone(): void;
  /** Said while running when nothing else is, e.g. that not every file could be opened. */
  note(): string | undefined;
}

export interface LanguageServer {
  readonly name: string;
  /** The running server process's id (the leader of its process group). */
  readonly pid: number | undefined;
  start(): void;
  stop(): Promise<void>;
}

/** Everything that belongs to one run of the server process. */
interface Instance {
  process: LspConnection;
  progress: ProgressTracker;
  pull: PullDiagnostics | undefined;
  /** Pull diagnostics as offered in `initialize` and as registered later (which wins). */
  staticPull: DiagnosticOptions | undefined;
  registeredPull: DiagnosticOptions | undefined;
  /** The options `pull` runs with, to tell a real change from a repeated registration. */
  pullKey: string | undefined;
  /** Whether the server wants `didSave` (a change on disk is a save), and with the text. */
  save: { includeText: boolean } | undefined;
  /** `initialize` has been answered: the server may be reported `running`. */
  initialized: boolean;
}

export function createLanguageServer(options: LanguageServerOptions): LanguageServer {
  const { spec, documents, settle, log } = options;
  const policy = createRestartPolicy(options.restart);
  let current: Instance | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  let stopping = false;

  const workspaceFolders = [
    { uri: pathToFileURL(options.paths.root).href, name: basename(options.paths.root) },
  ];

  /** Sends a notification; a server that just died is reported by its exit, not here. */
  function notify(connection: ProtocolConnection, type: { method: string }, params?: unknown) {
    try {
      connection.sendNotification(type.method, params).catch(() => undefined);
    } catch {
      // the connection is already closed
    }
  }

  function reportRunning(instance: Instance): void {
    if (current !== instance || !instance.initialized) return;
    const message = instance.progress.current() ?? options.note();
    options.onState('running', message);
  }

  function sender(instance: Instance): DocumentSender {
    const { connection } = instance.process;
    return {
      didOpen(document) {
        settle.sent(document.uri);
        notify(connection, DidOpenTextDocumentNotification.type, { textDocument: document });
        instance.pull?.documentChanged(document.uri);
      },
      didChange(document) {
        settle.sent(document.uri);
        notify(connection, DidChangeTextDocumentNotification.type, {
          textDocument: { uri: document.uri, version: document.version },
          contentChanges: [{ text: document.text }],
        });
        if (instance.save) {
          notify(connection, DidSaveTextDocumentNotification.type, {
            textDocument: { uri: document.uri },
            ...(instance.save.includeText ? { text: document.text } : {}),
          });
        }
        instance.pull?.documentChanged(document.uri);
      },
      didClose(uri) {
        settle.answered(uri); // no longer waited for
        notify(connection, DidCloseTextDocumentNotification.type, { textDocument: { uri } });
      },
    };
  }

  /** Starts, restarts or stops pulling to match the server's offer and registrations. */
  function updatePull(instance: Instance): void {
    const provider = instance.registeredPull ?? instance.staticPull;
    const key = provider ? JSON.stringify(provider) : undefined;
    if (key === instance.pullKey) return;
    instance.pullKey = key;
    if (instance.pull) {
      instance.pull.dispose();
      settle.pullsEnded(); // a new pull, if any, queues every open document again
    }
    instance.pull = provider
      ? createPullDiagnostics({
          connection: instance.process.connection,
          provider,
          openUris: () => documents.openUris(),
          onReport: (uri, diagnostics) =>
            current === instance && options.onDiagnostics(uri, diagnostics),
          onQueued: (uri) => current === instance && settle.pulled(uri),
          onAnswered: (uri) => current === instance && settle.answered(uri),
          log,
        })
      : undefined;
    instance.pull?.refresh();
  }

  function launch(): void {
    restartTimer = undefined;
    if (stopping) return;
    options.onState('starting');
    settle.setReady(false);
    const server = startLspProcess({
      command: spec.command,
      args: spec.args,
      cwd: options.paths.root,
      env: options.env,
      limits: options.limits,
      log,
    });
    const instance: Instance = {
      process: server,
      progress: createProgressTracker((line) => {
        if (current === instance) settle.setProgress(line !== undefined);
        reportRunning(instance);
      }),
      pull: undefined,
      staticPull: undefined,
      registeredPull: undefined,
      pullKey: undefined,
      save: undefined,
      initialized: false,
    };
    current = instance;
    server.onFault((fault) => handleFault(instance, fault));
    const { connection } = server;
    answerServerRequests(connection, {
      workspaceFolders,
      settings: spec.settings,
      log,
      onPublishDiagnostics(params) {
        if (current !== instance || typeof params?.uri !== 'string') return;
        // A report about an older text than the one we sent last is already out of date.
        const sent = documents.versionOf(params.uri);
        if (typeof params.version === 'number' && sent !== undefined && params.version < sent) {
          return;
        }
        options.onDiagnostics(params.uri, params.diagnostics);
        settle.answered(params.uri);
      },
      onProgress(token, value) {
        if (current !== instance) return;
        settle.heard();
        instance.progress.update(token, value);
      },
      onPullDiagnostics(provider) {
        instance.registeredPull = provider;
        if (instance.initialized) updatePull(instance);
      },
      onDiagnosticRefresh: () => instance.pull?.refresh(),
    });
    connection.listen();
    void initialize(instance);
  }

  async function initialize(instance: Instance): Promise<void> {
    const { connection } = instance.process;
    const params: InitializeParams = {
      processId: process.pid,
      clientInfo: { name: 'sidecar', version: VERSION },
      locale: 'en',
      rootPath: options.paths.root,
      rootUri: workspaceFolders[0]!.uri,
      workspaceFolders,
      capabilities: CLIENT_CAPABILITIES,
      initializationOptions: spec.initializationOptions ?? null,
    };
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        connection.sendRequest(InitializeRequest.type, params),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new InitializeTimeout(options.initializeTimeoutMs)),
            options.initializeTimeoutMs,
          );
        }),
      ]);
      if (current !== instance) return;
      instance.initialized = true;
      notify(connection, InitializedNotification.type, {});
      if (spec.settings) {
        notify(connection, DidChangeConfigurationNotification.type, { settings: spec.settings });
      }
      instance.save = saveOptionsOf(result?.capabilities?.textDocumentSync);
      const provider = result?.capabilities?.diagnosticProvider;
      if (provider && typeof provider === 'object') instance.staticPull = provider;
      updatePull(instance);
      reportRunning(instance);
      await documents.attach(sender(instance));
      if (current === instance) settle.setReady(true);
    } catch (error) {
      if (current !== instance) return;
      const message =
        error instanceof InitializeTimeout
          ? error.message
          : `failed to initialize: ${(error as Error).message}`;
      handleFault(instance, { kind: 'malformed', message });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Tears an instance down; the connection is closed and its process group killed. */
  function dispose(instance: Instance): void {
    instance.pull?.dispose();
    instance.progress.dispose();
    if (current === instance) settle.setProgress(false);
    instance.process.dispose();
    if (current === instance) {
      current = undefined;
      documents.detach();
    }
  }

  function handleFault(instance: Instance, fault: ConnectionFault): void {
    if (current !== instance || stopping) return;
    dispose(instance);
    settle.setReady(false);
    if (fault.kind === 'spawn' && (fault.code === 'ENOENT' || fault.code === 'EACCES')) {
      settle.stop();
      options.onState('unavailable', `${spec.name} ${fault.message}`);
      options.onGone();
      return;
    }
    const what = `${spec.name} ${fault.message}`;
    const decision = policy.crashed();
    if (!decision.restart) {
      const window = Math.round(options.restart.windowMs / 1000);
      options.onState(
        'failed',
        `${what}; it failed ${decision.crashes} times within ${window} s and is left stopped`,
      );
      settle.stop();
      options.onGone();
      return;
    }
    log.warn(`${what}; restarting in ${decision.delayMs} ms`);
    options.onState('error', `${what}; restarting in ${decision.delayMs} ms`);
    restartTimer = setTimeout(launch, decision.delayMs);
  }

  return {
    name: spec.name,
    get pid() {
      return current?.process.pid;
    },
    start() {
      stopping = false;
      policy.reset();
      launch();
    },
    async stop() {
      stopping = true;
      settle.stop();
      clearTimeout(restartTimer);
      const instance = current;
      if (instance) {
        const { connection, exited } = instance.process;
        const within = (promise: Promise<unknown>) =>
          Promise.race([
            promise.catch(() => undefined),
            new Promise((resolve) => setTimeout(resolve, options.shutdownTimeoutMs).unref()),
          ]);
        await within(
          (async () => {
            await connection.sendRequest(ShutdownRequest.type);
            notify(connection, ExitNotification.type);
            await exited;
          })(),
        );
        dispose(instance);
        await within(exited);
      }
      options.onState('stopped');
    },
  };
}

/** A server's `textDocumentSync.save` option: a number (sync kind alone) asks for no saves. */
function saveOptionsOf(sync: unknown): Instance['save'] {
  if (typeof sync !== 'object' || sync === null) return undefined;
  const { save } = sync as { save?: unknown };
  if (!save) return undefined;
  return {
    includeText:
      typeof save === 'object' && (save as { includeText?: unknown }).includeText === true,
  };
}

class InitializeTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`did not answer initialize within ${timeoutMs} ms`);
    this.name = 'InitializeTimeout';
  }
}
