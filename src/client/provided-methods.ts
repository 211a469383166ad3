/**
 * Methods this client provides (`client.provide`): the handlers, the routed requests they are
 * running (aborted on the server's `cancel` or when the socket drops), and providing them again
 * after a reconnect — or, with `waitIfTaken`, once the client holding a method lets it go.
 */
import {
  type CancelMessage,
  type ClientMessage,
  ERROR_CODES,
  type ErrorBody,
  type ErrorCode,
  isProvidableMethod,
  type ProvideResult,
  type RoutedRequestMessage,
  type SystemProviderData,
} from '../protocol/index.js';
import { isSidecarClientError, SidecarClientError } from './errors.js';
import type { ProvideHandler, ProvideOptions, Provision } from './types.js';
import { isRecord } from './wire.js';

export interface ProvidedMethodsDeps {
  /** Sends a `provide`/`unprovide` and resolves with the server's answer. */
  call(message: ClientMessage & { id: string }): Promise<unknown>;
  nextId(): string;
  /** Sends a frame now; false when there is no open socket (the answer is then lost). */
  sendNow(message: ClientMessage): boolean;
  /** Follows `provider.removed` on `system`; returns a function that stops following. */
  onProviderRemoved(listener: (data: SystemProviderData) => void): () => void;
  onError(error: SidecarClientError): void;
}

export interface ProvidedMethods {
  provide(method: string, handler: ProvideHandler, options: ProvideOptions): Promise<Provision>;
  handleRequest(message: RoutedRequestMessage): void;
  handleCancel(message: CancelMessage): void;
  /** The socket dropped: the server has failed every routed request it carried. */
  socketGone(): void;
  /** A new connection is ready: provide every method again. */
  reprovideAll(): void;
}

interface Entry {
  handler: ProvideHandler;
  options: ProvideOptions;
  /** Whether the server has accepted it on the current connection. */
  active: boolean;
  /** A `provide` for it is on its way (the outbox sends it again after a reconnect). */
  announcing: boolean;
  /** Set while it waits for another client to let the method go. */
  waiting?: { stop(): void; retry(): void };
}

export function createProvidedMethods(deps: ProvidedMethodsDeps): ProvidedMethods {
  const entries = new Map<string, Entry>();
  const running = new Map<string, AbortController>();

  async function announce(method: string, entry: Entry): Promise<void> {
    entry.announcing = true;
    try {
      await deps.call({ type: 'provide', id: deps.nextId(), methods: [method] });
    } finally {
      entry.announcing = false;
    }
    if (entries.get(method) === entry) entry.active = true;
  }

  /** Provides `method` now, or — when taken and the caller agreed — once it is free. */
  async function announceOrWait(method: string, entry: Entry): Promise<void> {
    try {
      await announce(method, entry);
    } catch (error) {
      if (!(entry.options.waitIfTaken && isTakenError(error))) throw error;
      waitUntilFree(method, entry);
    }
  }

  /**
   * Follows `system` and tries again whenever the method is let go. It also tries once right
   * after subscribing, as the holder may have gone before the subscription took effect.
   */
  function waitUntilFree(method: string, entry: Entry): void {
    if (entry.waiting) return;
    let trying = false;
    const stopWaiting = () => {
      stop();
      entry.waiting = undefined;
    };
    const retry = () => {
      if (trying || entries.get(method) !== entry) return;
      trying = true;
      announce(method, entry)
        .then(stopWaiting, (error: unknown) => {
          if (isTakenError(error)) return;
          stopWaiting();
          reportError(method, error);
        })
        .finally(() => {
          trying = false;
        });
    };
    const stop = deps.onProviderRemoved((data) => {
      if (data.method === method) retry();
    });
    entry.waiting = { stop: stopWaiting, retry };
    retry();
  }

  function reportError(method: string, error: unknown): void {
    const wrapped = isSidecarClientError(error)
      ? error
      : new SidecarClientError('HANDLER_ERROR', `could not provide "${method}"`, undefined, error);
    deps.onError(wrapped);
  }

  function answer(id: string, outcome: { result: unknown } | { error: ErrorBody }): void {
    deps.sendNow({ type: 'response', id, ...outcome });
  }

  return {
    async provide(method, handler, options) {
      if (typeof method !== 'string' || !isProvidableMethod(method)) {
        throw new SidecarClientError(
          'INVALID_PARAMS',
          `"${String(method)}" cannot be provided: names are editor.<name> or custom.<name>`,
          { method },
        );
      }
      if (typeof handler !== 'function')
        throw new TypeError('provide(): handler must be a function');
      if (entries.has(method)) {
        throw new SidecarClientError('FORBIDDEN', `this client already provides "${method}"`, {
          method,
        });
      }
      const entry: Entry = { handler, options, active: false, announcing: false };
      entries.set(method, entry);
      try {
        await announceOrWait(method, entry);
      } catch (error) {
        entries.delete(method);
        throw error;
      }
      let disposed: Promise<void> | undefined;
      return {
        method,
        dispose() {
          disposed ??= (async () => {
            if (entries.get(method) !== entry) return;
            entries.delete(method);
            entry.waiting?.stop();
            if (!entry.active) return;
            await deps
              .call({ type: 'unprovide', id: deps.nextId(), methods: [method] })
              .then((result) => result as ProvideResult)
              // The connection is gone: the server has already freed the method.
              .catch(() => undefined);
          })();
          return disposed;
        },
      };
    },

    handleRequest(message) {
      const entry = entries.get(message.method);
      if (!entry) {
        answer(message.id, {
          error: {
            code: 'UNAVAILABLE',
            message: `this client does not provide "${message.method}"`,
          },
        });
        return;
      }
      const controller = new AbortController();
      running.set(message.id, controller);
      const from = isRecord(message.from)
        ? { clientId: String(message.from.clientId) }
        : { clientId: '' };
      Promise.resolve()
        .then(() => entry.handler(message.params, { signal: controller.signal, from }))
        .then(
          (result) => {
            if (!controller.signal.aborted) answer(message.id, { result: result ?? null });
          },
          (error: unknown) => {
            if (!controller.signal.aborted) answer(message.id, { error: errorBodyOf(error) });
          },
        )
        .finally(() => running.delete(message.id));
    },

    handleCancel(message) {
      running
        .get(message.id)
        ?.abort(
          new SidecarClientError('CANCELLED', 'the request was cancelled', { id: message.id }),
        );
      running.delete(message.id);
    },

    socketGone() {
      for (const controller of running.values()) {
        controller.abort(
          new SidecarClientError('CONNECTION_CLOSED', 'the connection to the sidecar dropped'),
        );
      }
      running.clear();
      for (const entry of entries.values()) entry.active = false;
    },

    reprovideAll() {
      for (const [method, entry] of entries) {
        if (entry.announcing) continue;
        if (entry.waiting) {
          entry.waiting.retry();
          continue;
        }
        announceOrWait(method, entry).catch((error: unknown) => {
          // Someone else took it while this client was away: wait until it is free again.
          if (isTakenError(error)) waitUntilFree(method, entry);
          else reportError(method, error);
        });
      }
    },
  };
}

/** FORBIDDEN because another client provides the method (not for a limit). */
function isTakenError(error: unknown): boolean {
  return isSidecarClientError(error, 'FORBIDDEN') && typeof error.details?.providerId === 'string';
}

/** What a handler threw, as an error body: its own code when it has one of the protocol's. */
function errorBodyOf(error: unknown): ErrorBody {
  if (isRecord(error) && typeof error.code === 'string' && typeof error.message === 'string') {
    if ((ERROR_CODES as readonly string[]).includes(error.code)) {
      const body: ErrorBody = { code: error.code as ErrorCode, message: error.message };
      if (isRecord(error.details)) body.details = error.details;
      return body;
    }
  }
  return {
    code: 'HANDLER_ERROR',
    message: error instanceof Error ? error.message : String(error),
  };
}
