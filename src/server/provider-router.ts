import { SidecarError } from '../core/errors.js';
import {
  ERROR_CODES,
  type ErrorBody,
  isProvidableMethod,
  MAX_PROVIDED_METHODS,
  MAX_ROUTED_IN_FLIGHT,
  type ProviderInfo,
  type ProviderResponseMessage,
  type ServerMessage,
} from '../protocol/index.js';

/*
 * Methods provided by clients: who provides what (one provider per method), and the requests
 * routed to them — each under the server's own id, answered by the provider's `response`,
 * ended by a timeout, a cancel, or either side going away.
 */

/** The part of a connection the router needs: who it is and whether it is still open. */
export interface RouterConnection {
  info: { id: string };
  closing: boolean;
}

export interface RouteCaller {
  clientId: string;
  /** Aborted when the requester cancels, times out elsewhere, or goes: the provider is told. */
  signal: AbortSignal;
}

export interface ProviderRouter<C extends RouterConnection> {
  /** Adds methods to what `connection` provides; returns all it provides now. */
  provide(connection: C, methods: string[]): string[];
  /** Withdraws methods; returns what `connection` still provides. */
  unprovide(connection: C, methods: string[]): string[];
  /** Whether some connection provides `method`. */
  has(method: string): boolean;
  /** Whether `connection` provides at least one method of `namespace` (`editor`). */
  providesIn(connection: C, namespace: string): boolean;
  list(): ProviderInfo[];
  /** Forwards a request to the provider of `method`; settles with its answer. */
  route(method: string, params: unknown, caller: RouteCaller): Promise<unknown>;
  /** A provider's `response` frame; one for no routed request in flight is ignored. */
  answer(connection: C, response: ProviderResponseMessage): void;
  /** The connection went: its routed requests fail, its methods are free again. */
  connectionGone(connection: C): void;
}

export interface ProviderRouterDeps<C extends RouterConnection> {
  send(connection: C, message: ServerMessage): void;
  /** How long a routed request may take. */
  timeoutMs: number;
  /** Built-in methods a client may not shadow (an `editor.*` one it may: it is a fallback). */
  isBuiltinMethod(name: string): boolean;
  onProviderChange(change: ProviderInfo & { added: boolean }): void;
}

interface Routed<C> {
  provider: C;
  method: string;
  resolve(value: unknown): void;
  reject(error: SidecarError): void;
}

export function createProviderRouter<C extends RouterConnection>(
  deps: ProviderRouterDeps<C>,
): ProviderRouter<C> {
  const providers = new Map<string, C>();
  const provided = new Map<C, Set<string>>();
  const routed = new Map<string, Routed<C>>();
  const inFlight = new Map<C, number>();
  let counter = 0;

  const methodsOf = (connection: C) => [...(provided.get(connection) ?? [])].sort();

  function checkName(method: string): void {
    if (!isProvidableMethod(method)) {
      throw new SidecarError(
        'INVALID_PARAMS',
        `"${method}" cannot be provided: names are editor.<name> or custom.<name> (letters, digits, ".", "_", "-"; at most 64 after the dot)`,
        { method },
      );
    }
    if (deps.isBuiltinMethod(method) && !method.startsWith('editor.')) {
      throw new SidecarError('FORBIDDEN', `"${method}" is a method of the server itself`, {
        method,
      });
    }
  }

  function remove(connection: C, method: string): void {
    if (providers.get(method) !== connection) return;
    providers.delete(method);
    provided.get(connection)?.delete(method);
    deps.onProviderChange({ method, clientId: connection.info.id, added: false });
  }

  function settle(id: string): Routed<C> | undefined {
    const entry = routed.get(id);
    if (!entry) return undefined;
    routed.delete(id);
    const count = (inFlight.get(entry.provider) ?? 1) - 1;
    if (count > 0) inFlight.set(entry.provider, count);
    else inFlight.delete(entry.provider);
    return entry;
  }

  return {
    provide(connection, methods) {
      const wanted = [...new Set(methods)];
      for (const method of wanted) checkName(method);
      for (const method of wanted) {
        const holder = providers.get(method);
        if (holder && holder !== connection) {
          throw new SidecarError(
            'FORBIDDEN',
            `"${method}" is already provided by another client; provide it again once system's provider.removed says it is free`,
            { method, providerId: holder.info.id },
          );
        }
      }
      const mine = provided.get(connection) ?? new Set<string>();
      const added = wanted.filter((method) => !mine.has(method));
      if (mine.size + added.length > MAX_PROVIDED_METHODS) {
        throw new SidecarError(
          'FORBIDDEN',
          `a connection may provide at most ${MAX_PROVIDED_METHODS} methods`,
          { limit: MAX_PROVIDED_METHODS },
        );
      }
      provided.set(connection, mine);
      for (const method of added) {
        mine.add(method);
        providers.set(method, connection);
        deps.onProviderChange({ method, clientId: connection.info.id, added: true });
      }
      return methodsOf(connection);
    },
    unprovide(connection, methods) {
      for (const method of new Set(methods)) {
        if (!isProvidableMethod(method)) checkName(method);
        remove(connection, method);
      }
      return methodsOf(connection);
    },
    has: (method) => providers.has(method),
    providesIn(connection, namespace) {
      for (const method of provided.get(connection) ?? []) {
        if (method.startsWith(`${namespace}.`)) return true;
      }
      return false;
    },
    list: () =>
      [...providers]
        .map(([method, connection]) => ({ method, clientId: connection.info.id }))
        .sort((a, b) => a.method.localeCompare(b.method)),
    route(method, params, caller) {
      const provider = providers.get(method);
      if (!provider || provider.closing) {
        return Promise.reject(
          new SidecarError('UNAVAILABLE', `no client provides "${method}"`, { method }),
        );
      }
      if ((inFlight.get(provider) ?? 0) >= MAX_ROUTED_IN_FLIGHT) {
        return Promise.reject(
          new SidecarError(
            'RATE_LIMITED',
            `the provider of "${method}" already has ${MAX_ROUTED_IN_FLIGHT} requests in flight`,
            { method, limit: MAX_ROUTED_IN_FLIGHT },
          ),
        );
      }
      if (caller.signal.aborted) {
        return Promise.reject(new SidecarError('CANCELLED', `${method} was cancelled`));
      }
      const id = `r${(++counter).toString(36)}`;
      return new Promise((resolve, reject) => {
        const cancel = () => {
          if (!settle(id)) return;
          cleanup();
          if (!provider.closing) deps.send(provider, { type: 'cancel', id });
          reject(new SidecarError('CANCELLED', `${method} was cancelled`, { method }));
        };
        const timer = setTimeout(() => {
          if (!settle(id)) return;
          cleanup();
          if (!provider.closing) deps.send(provider, { type: 'cancel', id });
          reject(
            new SidecarError('TIMEOUT', `${method} did not finish within ${deps.timeoutMs} ms`, {
              method,
            }),
          );
        }, deps.timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          caller.signal.removeEventListener('abort', cancel);
        };
        caller.signal.addEventListener('abort', cancel, { once: true });
        routed.set(id, {
          provider,
          method,
          resolve: (value) => {
            cleanup();
            resolve(value);
          },
          reject: (error) => {
            cleanup();
            reject(error);
          },
        });
        inFlight.set(provider, (inFlight.get(provider) ?? 0) + 1);
        deps.send(provider, {
          type: 'request',
          id,
          method,
          params: params ?? null,
          from: { clientId: caller.clientId },
        });
      });
    },
    answer(connection, response) {
      const entry = routed.get(response.id);
      // A late answer (after a timeout or cancel), or to someone else's request: nothing waits.
      if (!entry || entry.provider !== connection) return;
      settle(response.id);
      if (response.error) entry.reject(providerError(entry.method, response.error));
      else entry.resolve(response.result ?? null);
    },
    connectionGone(connection) {
      for (const [id, entry] of [...routed]) {
        if (entry.provider !== connection) continue;
        settle(id);
        entry.reject(
          new SidecarError(
            'CONNECTION_CLOSED',
            `the client providing "${entry.method}" disconnected before it answered`,
            { method: entry.method },
          ),
        );
      }
      for (const method of methodsOf(connection)) remove(connection, method);
      provided.delete(connection);
    },
  };
}

/** A provider's error, as the requester gets it: its code when it is one of the protocol's. */
function providerError(method: string, body: ProviderResponseMessage['error'] & {}): SidecarError {
  const raw = body as { code: string; message: string; details?: Record<string, unknown> };
  if ((ERROR_CODES as readonly string[]).includes(raw.code)) {
    return new SidecarError(raw.code as ErrorBody['code'], raw.message, raw.details);
  }
  return new SidecarError('HANDLER_ERROR', raw.message, {
    ...raw.details,
    method,
    providerCode: raw.code,
  });
}
