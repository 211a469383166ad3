/**
 * The extension's logic, with no `vscode` import: finds the folder's sidecar, keeps a client
 * connected to it (following it to a new port when it restarts), provides `editor.open`, and
 * publishes the editor's state and, when enabled, its diagnostics. The glue (extension.ts)
 * forwards editor events in and implements `BridgeHost` for what the bridge needs done.
 */
import {
  type BackoffOptions,
  connect,
  type EditorOpenParams,
  type EditorOpenResult,
  type EditorStateInput,
  type SidecarClient,
  type StateChange,
  type WebSocketConstructor,
} from '../../../../src/client/index.js';
import {
  createDiagnosticsTracker,
  type DiagnosticsTracker,
  type EditorDiagnosticsUpdate,
  type FileDiagnostics,
} from './diagnostics.js';
import { type FoundSidecar, findSidecar, sameTarget } from './discovery.js';
import { type EditorSnapshot, toEditorState } from './editor-state.js';
import { fromRootRelative } from './paths.js';
import { type StartCommand, startCommand } from './start-command.js';
import type { SidecarStatus } from './status.js';

/** What the bridge needs from the editor. */
export interface BridgeHost {
  /** Opens `file` (absolute) at a 1-based line and column, when given. */
  openFile(file: string, line?: number, column?: number): void | Promise<void>;
  /** Shows the connection state (the status bar). */
  setStatus(status: SidecarStatus): void;
  /** A line for the extension's output channel. */
  log?(message: string): void;
}

export interface BridgeOptions {
  /** The open folder. */
  root: string;
  host: BridgeHost;
  /** Publish the editor's diagnostics into `diagnostics`. Default false. */
  publishDiagnostics?: boolean;
  /** The name the editor's diagnostics carry in `diagnostics`. Default `vscode`. */
  diagnosticsServer?: string;
  /** The editor's name in the `editor` state's `provider`. Default `VS Code`. */
  editorName?: string;
  /** Override of the per-user discovery folder. */
  discoveryDir?: string;
  /** How often to look for a sidecar while none is connected. Default 2000 ms. */
  pollIntervalMs?: number;
  /** Editor state is published this long after the last change. Default 150 ms. */
  debounceMs?: number;
  /** Passed to the client. */
  reconnect?: Partial<BackoffOptions>;
  WebSocket?: WebSocketConstructor;
}

export interface SidecarBridge {
  readonly status: SidecarStatus;
  /** Looks for the sidecar and connects; keeps looking while there is none. */
  start(): Promise<void>;
  /** Drops the connection and looks again (also after an error it would not retry). */
  reconnect(): Promise<void>;
  /** How to start a sidecar for the folder. */
  startCommand(): StartCommand;
  /** The dashboard of the connected sidecar. */
  dashboardUrl(): string | undefined;
  /** The editor's state changed (published debounced). */
  updateEditor(snapshot: EditorSnapshot): void;
  /** Some files' diagnostics changed (their full sets). */
  updateDiagnostics(updates: EditorDiagnosticsUpdate[]): void;
  setPublishDiagnostics(enabled: boolean): void;
  dispose(): Promise<void>;
}

export function createSidecarBridge(options: BridgeOptions): SidecarBridge {
  const { root, host } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 2000;
  const debounceMs = options.debounceMs ?? 150;
  const serverName = options.diagnosticsServer ?? 'vscode';
  const diagnostics: DiagnosticsTracker = createDiagnosticsTracker(root);
  let publishDiagnostics = options.publishDiagnostics ?? false;

  let status: SidecarStatus = { state: 'no-sidecar', root };
  let reported = false;
  let client: SidecarClient | undefined;
  let target: FoundSidecar | undefined;
  /** A target the client gave up on (e.g. a refused token): not retried until it changes. */
  let failed: FoundSidecar | undefined;
  /** The server confirmed the current connection provides `editor.open`: it may publish. */
  let providing = false;
  let editorState: EditorStateInput | undefined;
  let editorTimer: ReturnType<typeof setTimeout> | undefined;
  let pollTimer: ReturnType<typeof setInterval> | undefined;
  let checking: Promise<void> | undefined;
  let disposed = false;

  function setStatus(next: SidecarStatus): void {
    // Polling repeats the same state; the editor needs to hear of changes only.
    if (JSON.stringify(next) === JSON.stringify(status) && reported) return;
    status = next;
    reported = true;
    host.setStatus(next);
  }

  const log = (message: string) => host.log?.(message);

  /** Runs one look at the discovery file at a time. */
  function check(): Promise<void> {
    checking ??= look().finally(() => {
      checking = undefined;
    });
    return checking;
  }

  async function look(): Promise<void> {
    if (disposed || client?.state === 'open') return;
    const found = await findSidecar(root, options.discoveryDir);
    if (disposed) return;
    if (!found) {
      failed = undefined;
      if (client) await dropClient();
      if (status.state !== 'no-sidecar') log(`no sidecar runs for ${root}`);
      setStatus({ state: 'no-sidecar', root });
      return;
    }
    if (sameTarget(found, failed)) return;
    // The client retries the same address by itself; a new address needs a new client.
    if (client && client.state !== 'closed' && sameTarget(found, target)) return;
    await connectTo(found);
  }

  async function connectTo(found: FoundSidecar): Promise<void> {
    await dropClient();
    target = found;
    log(`connecting to ${found.wsUrl} (pid ${found.record.pid})`);
    setStatus({ state: 'connecting', url: found.wsUrl });
    const next = connect({
      url: found.wsUrl,
      token: found.record.token ?? undefined,
      ...(options.reconnect ? { reconnect: options.reconnect } : {}),
      ...(options.WebSocket ? { WebSocket: options.WebSocket } : {}),
    });
    client = next;
    next.on('state', (change) => onClientState(next, found, change));
    // Publishing on `editor` and `diagnostics` is for the provider of `editor.open` only. The
    // server says on `system` when this connection becomes it: at first, after every
    // reconnect (the client provides again), or once another window lets the method go.
    next.subscribe('system', (message) => {
      if (message.type !== 'event' || client !== next) return;
      if (message.event !== 'provider.added' && message.event !== 'provider.removed') return;
      const data = message.data as { method?: unknown; clientId?: unknown };
      if (data.method !== 'editor.open' || data.clientId !== next.clientId) return;
      providing = message.event === 'provider.added';
      if (providing) publishAll(next);
    });
    // Not awaited: while another window provides editor.open the client waits for it to go,
    // and the bridge keeps following the sidecar meanwhile.
    next
      .provide('editor.open', (params) => openInEditor(params), { waitIfTaken: true })
      .catch((error: unknown) => {
        if (client === next) log(`cannot provide editor.open: ${(error as Error).message}`);
      });
  }

  function onClientState(owner: SidecarClient, found: FoundSidecar, change: StateChange): void {
    if (owner !== client || disposed) return;
    switch (change.state) {
      case 'open':
        setStatus({
          state: 'connected',
          url: found.wsUrl,
          clientId: owner.clientId,
          dashboardUrl: found.dashboardUrl,
        });
        return;
      case 'connecting':
      case 'reconnecting':
        // What this connection published went with it; it publishes again once it provides.
        providing = false;
        setStatus({ state: 'connecting', url: found.wsUrl, attempt: change.attempt });
        // The sidecar may have moved (a restart on another port) or stopped.
        void check();
        return;
      case 'closed':
        providing = false;
        if (change.error) {
          failed = found;
          setStatus({ state: 'error', message: change.error.message });
        }
        void check();
        return;
    }
  }

  /** The server checked the file is under the root and made it root-relative; check again. */
  async function openInEditor(params: unknown): Promise<Pick<EditorOpenResult, 'opened'>> {
    const { file, line, column } = (params ?? {}) as Partial<EditorOpenParams>;
    const absolute = typeof file === 'string' ? fromRootRelative(root, file) : null;
    if (absolute === null) {
      throw {
        code: 'INVALID_PARAMS',
        message: 'editor.open: `file` must be a file under the root',
      };
    }
    await host.openFile(absolute, positiveOrUndefined(line), positiveOrUndefined(column));
    return { opened: true };
  }

  function publishAll(owner: SidecarClient): void {
    if (editorState) publishEditor(owner, editorState);
    if (publishDiagnostics) publishFileDiagnostics(owner, diagnostics.current());
  }

  function publishEditor(owner: SidecarClient, state: EditorStateInput): void {
    owner.publish('editor', 'state', state).catch((error: unknown) => {
      log(`publishing the editor state failed: ${(error as Error).message}`);
    });
  }

  function publishFileDiagnostics(owner: SidecarClient, files: FileDiagnostics[]): void {
    for (const { file, diagnostics: list } of files) {
      owner
        .publish('diagnostics', 'updated', { file, server: serverName, diagnostics: list })
        .catch((error: unknown) => {
          log(`publishing diagnostics of ${file} failed: ${(error as Error).message}`);
        });
    }
  }

  /** The client to publish through, when it is connected and provides. */
  function publisher(): SidecarClient | undefined {
    return client && providing && client.state === 'open' ? client : undefined;
  }

  async function dropClient(): Promise<void> {
    const old = client;
    client = undefined;
    target = undefined;
    providing = false;
    if (old) await old.close().catch(() => undefined);
  }

  function startPolling(): void {
    pollTimer ??= setInterval(() => void check(), pollIntervalMs);
  }

  return {
    get status() {
      return status;
    },
    async start() {
      startPolling();
      await check();
    },
    async reconnect() {
      failed = undefined;
      await checking;
      await dropClient();
      await check();
    },
    startCommand: () => startCommand(root),
    dashboardUrl: () => (status.state === 'connected' ? status.dashboardUrl : undefined),
    updateEditor(snapshot) {
      editorState = toEditorState(root, snapshot, options.editorName ?? 'VS Code');
      clearTimeout(editorTimer);
      editorTimer = setTimeout(() => {
        const owner = publisher();
        if (owner && editorState) publishEditor(owner, editorState);
      }, debounceMs);
    },
    updateDiagnostics(updates) {
      const changed = diagnostics.update(updates);
      const owner = publisher();
      if (owner && publishDiagnostics && changed.length > 0) publishFileDiagnostics(owner, changed);
    },
    setPublishDiagnostics(enabled) {
      if (enabled === publishDiagnostics) return;
      publishDiagnostics = enabled;
      const owner = publisher();
      if (owner) {
        publishFileDiagnostics(owner, enabled ? diagnostics.current() : diagnostics.cleared());
      }
    },
    async dispose() {
      disposed = true;
      clearInterval(pollTimer);
      clearTimeout(editorTimer);
      await checking;
      await dropClient();
    },
  };
}

function positiveOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}
