/**
 * Requests the ESLint server (vscode-eslint) sends outside LSP. It sends most of them without
 * handling a refusal, and a `MethodNotFound` answer becomes an uncaught error in the server, so
 * each is answered as the VS Code extension answers it (`{}`), and what it tells is logged.
 */

import type { ProtocolConnection } from 'vscode-languageserver-protocol/node';
import type { Logger } from '../../core/logger.js';

interface EslintRequestParams {
  message?: unknown;
  source?: { uri?: unknown };
  document?: { uri?: unknown };
  textDocument?: { uri?: unknown };
}

/** Method → what the log says about it. */
const ESLINT_REQUESTS: Record<string, (params: EslintRequestParams) => string> = {
  'eslint/noLibrary': (params) =>
    `eslint: no ESLint library found for ${params.source?.uri ?? 'a file'}; install eslint in the workspace or set nodePath`,
  'eslint/noConfig': (params) =>
    `eslint: no ESLint configuration for ${params.document?.uri ?? 'a file'}: ${params.message ?? ''}`,
  'eslint/probeFailed': (params) =>
    `eslint: probing ${params.textDocument?.uri ?? 'a file'} failed; it is not validated`,
  'eslint/openDoc': () => 'eslint: asked to open rule documentation (sidecar shows none)',
};

export function answerEslintRequests(connection: ProtocolConnection, log: Logger): void {
  for (const [method, describe] of Object.entries(ESLINT_REQUESTS)) {
    connection.onRequest(method, (params: EslintRequestParams | undefined) => {
      log.info(describe(params ?? {}));
      return {};
    });
  }
}
