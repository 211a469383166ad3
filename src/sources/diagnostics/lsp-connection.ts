/**
 * One language server process and the JSON-RPC connection over its stdio. The process runs in
 * its own process group, so stopping it also stops what it started (tsserver is a grandchild),
 * and a server that dies leaves nothing behind. It also gets a temp folder of its own
 * (TMPDIR, TMP, TEMP), removed when it exits: typescript-language-server makes a folder there at
 * every start and never removes it.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createProtocolConnection,
  type Message,
  type ProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { spawnChild } from '../../core/child-process.js';
import type { Logger } from '../../core/logger.js';
import { previewValue } from '../../core/value-preview.js';
import { createMessageGuard, type MessageLimits, ServerOutputError } from './message-guard.js';

export interface LspProcessOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  /** The environment to start from; the runner takes the sidecar's token out of it. */
  env: NodeJS.ProcessEnv;
  limits: MessageLimits;
  log: Logger;
}

/** Why a connection ended without being asked to. */
export interface ConnectionFault {
  kind: 'exit' | 'malformed' | 'flood' | 'spawn';
  message: string;
  /** The spawn error's code (`ENOENT`, `EACCES`), for kind `spawn`. */
  code?: string;
}

export interface LspConnection {
  readonly connection: ProtocolConnection;
  readonly pid: number | undefined;
  /** Called once, on the first fault; never after `dispose()`. */
  onFault(listener: (fault: ConnectionFault) => void): void;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
  /** Kills the whole process group and closes the connection; idempotent. */
  dispose(): void;
}

/** Server stderr kept to explain a crash. */
const STDERR_TAIL_BYTES = 2048;

/** Temp folders of servers still alive, removed if the sidecar process exits without stopping them. */
const liveTempFolders = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const folder of liveTempFolders) removeTempFolder(folder);
  });
}

/** A fresh temp folder for one server process, or undefined when none can be made. */
function makeTempFolder(log: Logger): string | undefined {
  try {
    const folder = mkdtempSync(join(tmpdir(), 'sidecar-lsp-'));
    liveTempFolders.add(folder);
    return folder;
  } catch (error) {
    log.debug(`no temp folder of its own: ${(error as Error).message}`);
    return undefined;
  }
}

function removeTempFolder(folder: string): void {
  liveTempFolders.delete(folder);
  try {
    rmSync(folder, { recursive: true, force: true });
  } catch {
    // a file still held open (Windows): it is in the OS temp folder all the same
  }
}

/** Accepts only JSON-RPC 2.0 requests, responses and notifications. */
const jsonRpcDecoder = {
  name: 'application/vscode-jsonrpc',
  async decode(buffer: Uint8Array): Promise<Message> {
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder('utf-8').decode(buffer));
    } catch (error) {
      throw new ServerOutputError(
        'malformed',
        `sent malformed JSON-RPC: a body that is not JSON (${(error as Error).message})`,
      );
    }
    const message = value as Record<string, unknown> | null;
    const isMessage =
      typeof message === 'object' &&
      message !== null &&
      !Array.isArray(message) &&
      message.jsonrpc === '2.0' &&
      (typeof message.method === 'string' || 'id' in message);
    if (!isMessage) {
      throw new ServerOutputError(
        'malformed',
        `sent malformed JSON-RPC: not a request, response or notification (${previewValue(value, 80)})`,
      );
    }
    return message as unknown as Message;
  },
};

export function startLspProcess(options: LspProcessOptions): LspConnection {
  const { log } = options;
  installExitHook();
  const tempFolder = makeTempFolder(log);
  // Its own process group: the server dies together with its children, also when the sidecar
  // exits without stopping it.
  const started = spawnChild({
    command: options.command,
    args: options.args,
    cwd: options.cwd,
    baseEnv: options.env,
    ...(tempFolder ? { env: { TMPDIR: tempFolder, TMP: tempFolder, TEMP: tempFolder } } : {}),
    stdin: 'pipe',
    processGroup: true,
    killGroupOnExit: true,
  });
  const child = started.process;
  const pid = started.pid;

  let faultListener: ((fault: ConnectionFault) => void) | undefined;
  let settled = false;
  let stderrTail = '';
  const fault = (value: ConnectionFault) => {
    if (settled) return;
    settled = true;
    faultListener?.(value);
    dispose();
  };

  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const exited = new Promise<void>((resolve) => {
    child.once('exit', async (code, signal) => {
      started.signal('SIGKILL'); // whatever the server started dies with it
      if (tempFolder) removeTempFolder(tempFolder);
      // Its last words on stderr may still be in the pipe: they explain the crash.
      await Promise.race([closed, new Promise((wait) => setTimeout(wait, 500).unref())]);
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const why = stderrTail.trim().split('\n').slice(-3).join(' | ');
      fault({ kind: 'exit', message: why ? `${how}: ${why}` : how });
      resolve();
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      // A spawn failure: no 'exit' follows.
      if (child.pid === undefined) {
        if (tempFolder) removeTempFolder(tempFolder);
        resolve();
      }
      fault({ kind: 'spawn', message: `could not be started: ${error.message}`, code: error.code });
    });
  });

  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    stderrTail = (stderrTail + text).slice(-STDERR_TAIL_BYTES);
    log.debug(`stderr: ${text.trimEnd()}`);
  });
  // Writing to a server that just died fails with EPIPE; the exit is reported instead.
  child.stdin!.on('error', (error) => log.debug(`stdin: ${error.message}`));

  const guard = createMessageGuard(options.limits);
  guard.on('error', (error) => {
    const kind = error instanceof ServerOutputError ? error.kind : 'malformed';
    fault({ kind, message: error.message });
  });
  child.stdout.pipe(guard);

  const connection = createProtocolConnection(
    new StreamMessageReader(guard, { charset: 'utf-8', contentTypeDecoder: jsonRpcDecoder }),
    new StreamMessageWriter(child.stdin!),
    {
      error: (message) => log.warn(message),
      warn: (message) => log.debug(message),
      info: (message) => log.debug(message),
      log: (message) => log.debug(message),
    },
  );
  connection.onError(([error]) => {
    const kind = error instanceof ServerOutputError ? error.kind : 'malformed';
    fault({ kind, message: error.message });
  });

  let disposed = false;
  function dispose(): void {
    if (disposed) return;
    disposed = true;
    settled = true;
    faultListener = undefined;
    connection.dispose();
    child.stdout.unpipe(guard);
    guard.destroy();
    if (pid !== undefined) started.signal('SIGKILL');
    else child.kill('SIGKILL');
  }

  return {
    connection,
    pid,
    onFault(listener) {
      faultListener = listener;
    },
    exited,
    dispose,
  };
}
