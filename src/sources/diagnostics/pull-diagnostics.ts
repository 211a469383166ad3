/**
 * Pull diagnostics (LSP 3.17) for a server that offers them: after a document opens or
 * changes, ask for its diagnostics (`textDocument/diagnostic`), and for every other open
 * document too when the server says files depend on each other; ask for the whole workspace
 * (`workspace/diagnostic`) when it can answer that. One request at a time, the changed
 * document first, result ids sent back so unchanged reports stay small.
 */

import {
  CancellationTokenSource,
  type DiagnosticOptions,
  DocumentDiagnosticRequest,
  LSPErrorCodes,
  type ProtocolConnection,
  ResponseError,
  WorkspaceDiagnosticRequest,
} from 'vscode-languageserver-protocol/node';
import type { Logger } from '../../core/logger.js';

export interface PullDiagnosticsOptions {
  connection: ProtocolConnection;
  provider: DiagnosticOptions;
  openUris(): string[];
  /** A full report for `uri`: the raw LSP diagnostics, to be checked by the caller. */
  onReport(uri: string, diagnostics: unknown): void;
  /** A pull for `uri` is queued: its answer is awaited. */
  onQueued?(uri: string): void;
  /** `uri` is answered: a report (full or unchanged), or a pull that failed for good. */
  onAnswered?(uri: string): void;
  log: Logger;
  /** How long changes are gathered before pulling. */
  delayMs?: number;
}

export interface PullDiagnostics {
  documentChanged(uri: string): void;
  /** The server asked for a refresh (`workspace/diagnostic/refresh`): pull everything again. */
  refresh(): void;
  dispose(): void;
}

/** A report of kind `full` or `unchanged`, as both request kinds return it per document. */
interface DocumentReport {
  kind?: unknown;
  resultId?: unknown;
  items?: unknown;
  uri?: unknown;
  relatedDocuments?: Record<string, DocumentReport>;
}

export function createPullDiagnostics(options: PullDiagnosticsOptions): PullDiagnostics {
  const { connection, provider, log } = options;
  /** Documents to pull, in order; a Set keeps each once. */
  let pending = new Set<string>();
  let workspaceDirty = provider.workspaceDiagnostics;
  const resultIds = new Map<string, string>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let disposed = false;
  let inFlight: { uri: string; cancel: CancellationTokenSource } | undefined;

  function schedule(): void {
    if (disposed || timer || running) return;
    timer = setTimeout(() => {
      timer = undefined;
      void run();
    }, options.delayMs ?? 100);
  }

  /** Takes a report apart: the document's own items and any related documents'. */
  function accept(uri: string, report: DocumentReport | null | undefined): void {
    if (!report || typeof report !== 'object') return;
    if (typeof report.resultId === 'string') resultIds.set(uri, report.resultId);
    if (report.kind === 'full') options.onReport(uri, report.items);
    options.onAnswered?.(uri);
    if (report.relatedDocuments && typeof report.relatedDocuments === 'object') {
      for (const [related, inner] of Object.entries(report.relatedDocuments)) {
        accept(related, inner);
      }
    }
  }

  function retriable(error: unknown): boolean {
    return (
      error instanceof ResponseError &&
      error.code === LSPErrorCodes.ServerCancelled &&
      (error.data as { retriggerRequest?: boolean } | undefined)?.retriggerRequest !== false
    );
  }

  async function pullDocument(uri: string): Promise<void> {
    const cancel = new CancellationTokenSource();
    inFlight = { uri, cancel };
    try {
      const previousResultId = resultIds.get(uri);
      const report = await connection.sendRequest(
        DocumentDiagnosticRequest.type,
        {
          textDocument: { uri },
          ...(provider.identifier ? { identifier: provider.identifier } : {}),
          ...(previousResultId ? { previousResultId } : {}),
        },
        cancel.token,
      );
      accept(uri, report as DocumentReport);
    } catch (error) {
      if (retriable(error)) pending.add(uri);
      else log.debug(`pull diagnostics for ${uri} failed: ${(error as Error).message}`);
    } finally {
      inFlight = undefined;
      cancel.dispose();
      // Queued again (changed meanwhile, or to be retried): its answer is still to come.
      if (!pending.has(uri)) options.onAnswered?.(uri);
    }
  }

  async function pullWorkspace(): Promise<void> {
    workspaceDirty = false;
    try {
      const report = await connection.sendRequest(WorkspaceDiagnosticRequest.type, {
        ...(provider.identifier ? { identifier: provider.identifier } : {}),
        previousResultIds: [...resultIds].map(([uri, value]) => ({ uri, value })),
      });
      for (const item of (report?.items ?? []) as DocumentReport[]) {
        if (typeof item?.uri === 'string') accept(item.uri, item);
      }
    } catch (error) {
      if (retriable(error)) workspaceDirty = true;
      else log.debug(`workspace diagnostics failed: ${(error as Error).message}`);
    }
  }

  async function run(): Promise<void> {
    running = true;
    try {
      while (!disposed) {
        const [next] = pending;
        if (next !== undefined) {
          pending.delete(next);
          await pullDocument(next);
        } else if (workspaceDirty) {
          await pullWorkspace();
        } else {
          break;
        }
      }
    } finally {
      running = false;
    }
  }

  function enqueueAll(first?: string): void {
    const order = new Set<string>(first ? [first] : []);
    for (const uri of pending) order.add(uri);
    if (provider.interFileDependencies || !first) {
      for (const uri of options.openUris()) order.add(uri);
    }
    pending = order;
    for (const uri of order) options.onQueued?.(uri);
    if (provider.workspaceDiagnostics) workspaceDirty = true;
    schedule();
  }

  return {
    documentChanged(uri) {
      // A pull of the old text is no longer worth waiting for.
      if (inFlight?.uri === uri) inFlight.cancel.cancel();
      enqueueAll(uri);
    },
    refresh: () => enqueueAll(),
    dispose() {
      disposed = true;
      clearTimeout(timer);
      inFlight?.cancel.cancel();
    },
  };
}
