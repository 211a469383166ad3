/**
 * The one contract every framework adapter is written over: a sidecar that shares an app's
 * `http.Server` under a path prefix. An adapter only turns its framework's request into
 * `handle(request, response)` and hands the listening server to `attach`.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { SidecarOptions } from '../app/options.js';
import { createSidecar, normalizePrefix, type Sidecar } from '../app/sidecar.js';

/** Where the sidecar's routes live on the app's port unless told otherwise. */
export const DEFAULT_PREFIX = '/__sidecar';

export interface EmbedOptions extends SidecarOptions {
  /** The path the sidecar is served under: `/__sidecar` → `/__sidecar/ws`, `/__sidecar/healthz`. */
  prefix?: string;
}

export interface EmbeddedSidecar {
  readonly sidecar: Sidecar;
  readonly prefix: string;
  /**
   * Answers a request for one of the sidecar's routes under the prefix and returns true;
   * returns false and leaves the request untouched for every path of the app.
   */
  handle(request: IncomingMessage, response: ServerResponse): boolean;
  /** Takes the sidecar's WebSocket upgrades on the app's server and starts its sources. */
  attach(server: Server): Promise<void>;
  /** Closes the sidecar's clients and sources; the app's server stays open. */
  close(reason?: string): Promise<void>;
}

export function embedSidecar(options: EmbedOptions = {}): EmbeddedSidecar {
  const { prefix: input = DEFAULT_PREFIX, ...sidecarOptions } = options;
  // Refused here, with its code, not later in a framework's listen hook that only logs it.
  const prefix = normalizePrefix(input);
  const sidecar = createSidecar(sidecarOptions);
  // Until attached the sidecar has no prefix yet: it must not answer the app's `/healthz`.
  let attached = false;
  return {
    sidecar,
    prefix,
    handle: (request, response) => attached && sidecar.handleRequest(request, response),
    async attach(server) {
      const attaching = sidecar.attach(server, { prefix });
      attached = true;
      await attaching;
    },
    close: (reason) => sidecar.close(reason),
  };
}
