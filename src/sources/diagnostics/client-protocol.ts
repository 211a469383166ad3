/**
 * sidecar's side of LSP as a client: the capabilities it claims (only what it really does)
 * and its answers to the requests a server sends its client. Servers wait for these answers,
 * so leaving one unanswered can stall a real server.
 */

import {
  ApplyWorkspaceEditRequest,
  type ClientCapabilities,
  CodeLensRefreshRequest,
  ConfigurationRequest,
  DiagnosticRefreshRequest,
  type DiagnosticRegistrationOptions,
  DocumentDiagnosticRequest,
  FoldingRangeRefreshRequest,
  InlayHintRefreshRequest,
  InlineValueRefreshRequest,
  LogMessageNotification,
  type ProtocolConnection,
  PublishDiagnosticsNotification,
  type PublishDiagnosticsParams,
  RegistrationRequest,
  SemanticTokensRefreshRequest,
  ShowDocumentRequest,
  ShowMessageNotification,
  ShowMessageRequest,
  UnregistrationRequest,
  WorkDoneProgressCreateRequest,
  type WorkspaceFolder,
  WorkspaceFoldersRequest,
} from 'vscode-languageserver-protocol/node';
import type { Logger } from '../../core/logger.js';
import { answerEslintRequests } from './eslint-requests.js';

/**
 * No `didChangeWatchedFiles`: servers watch files themselves (tsserver does). Documents are
 * sent whole on each change, which every server accepts; a change on disk is also a save.
 */
export const CLIENT_CAPABILITIES: ClientCapabilities = Object.freeze({
  general: { positionEncodings: ['utf-16'] },
  window: { workDoneProgress: true, showDocument: { support: false } },
  workspace: {
    configuration: true,
    workspaceFolders: true,
    applyEdit: false,
    diagnostics: { refreshSupport: true },
  },
  textDocument: {
    synchronization: { dynamicRegistration: false, didSave: true, willSave: false },
    publishDiagnostics: { versionSupport: true, relatedInformation: false },
    diagnostic: { dynamicRegistration: true, relatedDocumentSupport: true },
  },
});

export interface ClientHandlers {
  workspaceFolders: WorkspaceFolder[];
  /** Answers `workspace/configuration`, by dotted section. */
  settings: Readonly<Record<string, unknown>> | undefined;
  onPublishDiagnostics(params: PublishDiagnosticsParams): void;
  onProgress(token: string | number, value: unknown): void;
  /**
   * Pull diagnostics registrations changed: the options of the newest registration still
   * active, or undefined once none is.
   */
  onPullDiagnostics(options: DiagnosticRegistrationOptions | undefined): void;
  onDiagnosticRefresh(): void;
  log: Logger;
}

/** The value at a dotted `section` of `settings` (`python.analysis`), or null. */
export function settingAt(
  settings: Readonly<Record<string, unknown>> | undefined,
  section: string | undefined,
): unknown {
  if (!settings) return null;
  if (!section) return settings;
  if (Object.hasOwn(settings, section)) return settings[section];
  let value: unknown = settings;
  for (const part of section.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) return null;
    value = (value as Record<string, unknown>)[part];
  }
  return value ?? null;
}

export function answerServerRequests(connection: ProtocolConnection, handlers: ClientHandlers) {
  const { log } = handlers;
  /**
   * Active pull diagnostics registrations by id, oldest first. A server may register the same
   * method several times and unregister the older ones (pyright does): pull stays on while any
   * registration is active.
   */
  const pullRegistrations = new Map<string, DiagnosticRegistrationOptions>();
  const newestPull = () => [...pullRegistrations.values()].at(-1);

  connection.onRequest(ConfigurationRequest.type, (params) =>
    (params?.items ?? []).map((item) => settingAt(handlers.settings, item.section)),
  );
  connection.onRequest(WorkspaceFoldersRequest.type, () => handlers.workspaceFolders);
  connection.onRequest(WorkDoneProgressCreateRequest.type, () => undefined);
  connection.onRequest(RegistrationRequest.type, (params) => {
    const before = newestPull();
    for (const registration of params?.registrations ?? []) {
      if (registration?.method !== DocumentDiagnosticRequest.method) continue;
      if (typeof registration.id !== 'string') continue;
      pullRegistrations.delete(registration.id); // re-inserted as the newest
      pullRegistrations.set(
        registration.id,
        (registration.registerOptions ?? {}) as DiagnosticRegistrationOptions,
      );
    }
    if (newestPull() !== before) handlers.onPullDiagnostics(newestPull());
  });
  connection.onRequest(UnregistrationRequest.type, (params) => {
    const before = newestPull();
    // The spec spells the field `unregisterations`.
    for (const unregistration of params?.unregisterations ?? []) {
      if (typeof unregistration?.id === 'string') pullRegistrations.delete(unregistration.id);
    }
    if (newestPull() !== before) handlers.onPullDiagnostics(newestPull());
  });
  connection.onRequest(DiagnosticRefreshRequest.type, () => handlers.onDiagnosticRefresh());
  // sidecar shows no editor UI: refreshes of it are acknowledged, edits and documents refused.
  for (const refresh of [
    SemanticTokensRefreshRequest.type,
    CodeLensRefreshRequest.type,
    InlayHintRefreshRequest.type,
    InlineValueRefreshRequest.type,
    FoldingRangeRefreshRequest.type,
  ]) {
    connection.onRequest(refresh, () => undefined);
  }
  connection.onRequest(ShowMessageRequest.type, (params) => {
    log.info(`server asks: ${params?.message}`);
    return null;
  });
  connection.onRequest(ShowDocumentRequest.type, () => ({ success: false }));
  connection.onRequest(ApplyWorkspaceEditRequest.type, () => ({
    applied: false,
    failureReason: 'sidecar does not edit files',
  }));
  answerEslintRequests(connection, log);

  connection.onNotification(PublishDiagnosticsNotification.type, (params) =>
    handlers.onPublishDiagnostics(params),
  );
  // One handler for every progress token, whether the server created it or we gave it.
  connection.onNotification('$/progress', (params: { token?: unknown; value?: unknown }) => {
    const token = params?.token;
    if (typeof token === 'string' || typeof token === 'number') {
      handlers.onProgress(token, params.value);
    }
  });
  connection.onNotification(LogMessageNotification.type, (params) =>
    log.debug(`server: ${params?.message}`),
  );
  connection.onNotification(ShowMessageNotification.type, (params) =>
    log.info(`server: ${params?.message}`),
  );
}
