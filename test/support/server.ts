import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import WebSocket from 'ws';
import type { SidecarOptions } from '../../src/app/options.js';
import { type Sidecar, startSidecar } from '../../src/app/sidecar.js';
import type { ServerMessage } from '../../src/protocol/index.js';

export const TEST_TOKEN = 'test-token-0123456789abcdef';

/** Polls `predicate` until it is truthy; fails with `message` after `timeoutMs`. */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  { timeoutMs = 10_000, message = 'condition' }: { timeoutMs?: number; message?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function makeTempDir(prefix = 'sidecar-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** A real sidecar on port 0 with no sources unless given, and a cleanup for afterEach. */
export async function startTestSidecar(
  options: SidecarOptions = {},
): Promise<{ sidecar: Sidecar; root: string; cleanup: () => Promise<void> }> {
  const root = options.root ?? (await makeTempDir());
  const sidecar = await startSidecar({
    port: 0,
    token: TEST_TOKEN,
    logLevel: 'silent',
    sources: [],
    ...options,
    root,
  });
  return {
    sidecar,
    root,
    cleanup: async () => {
      await sidecar.close();
      if (!options.root) await rm(root, { recursive: true, force: true });
    },
  };
}

/**
 * For a test file: returns a `start(options)` that starts a test sidecar and closes it (and
 * its temp root) after each test.
 */
export function useTestSidecars(): (options?: SidecarOptions) => Promise<Sidecar> {
  let cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(cleanups.map((cleanup) => cleanup()));
    cleanups = [];
  });
  return async (options = {}) => {
    const { sidecar, cleanup } = await startTestSidecar(options);
    cleanups.push(cleanup);
    return sidecar;
  };
}

/** A raw `ws` client that records every message, for protocol-level assertions. */
export interface RawClient {
  socket: WebSocket;
  messages: ServerMessage[];
  send(message: unknown): void;
  /** Resolves with the first message (already received or future) matching `predicate`. */
  next<T extends ServerMessage = ServerMessage>(
    predicate: (m: ServerMessage) => boolean,
    timeoutMs?: number,
  ): Promise<T>;
  /** The `response` to the request with this id. */
  response(id: string): Promise<Extract<ServerMessage, { type: 'response' }>>;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

export interface RawClientOptions {
  token?: string | null;
  headers?: Record<string, string>;
  path?: string;
}

export function rawClient(
  sidecar: Pick<Sidecar, 'wsUrl'>,
  options: RawClientOptions = {},
): Promise<RawClient> {
  const token = options.token === undefined ? TEST_TOKEN : options.token;
  const headers: Record<string, string> = { ...options.headers };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const socket = new WebSocket(`${sidecar.wsUrl.replace(/\/ws$/, '')}${options.path ?? '/ws'}`, {
    headers,
  });
  const messages: ServerMessage[] = [];
  const waiters = new Set<() => void>();
  socket.on('message', (data) => {
    messages.push(JSON.parse(data.toString()) as ServerMessage);
    for (const wake of waiters) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const client: RawClient = {
    socket,
    messages,
    send: (message) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
    next(predicate, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(predicate);
          if (!found) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found as never);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `no matching message within ${timeoutMs} ms; got ${JSON.stringify(messages).slice(0, 500)}`,
            ),
          );
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    response(id) {
      return client.next((m) => m.type === 'response' && m.id === id);
    },
    closed,
    close: () => socket.close(),
  };
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(client));
    socket.once('unexpected-response', (_request, response) =>
      reject(
        Object.assign(new Error(`upgrade refused: ${response.statusCode}`), {
          status: response.statusCode,
        }),
      ),
    );
    socket.once('error', reject);
  });
}

/** The HTTP status a refused upgrade got. */
export async function upgradeStatus(
  sidecar: Pick<Sidecar, 'wsUrl'>,
  options: RawClientOptions,
): Promise<number> {
  try {
    const client = await rawClient(sidecar, options);
    client.close();
    return 101;
  } catch (error) {
    return (error as { status?: number }).status ?? -1;
  }
}
