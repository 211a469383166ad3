/**
 * Methods provided by clients: a connection announces with `provide` that it answers some
 * methods (an IDE extension: `editor.open`), and the server routes other clients' requests for
 * them to it. Names, limits and the messages both ways.
 */

import type { ErrorBody } from './errors.js';

/** Namespaces a client may provide methods under; the server's own are never among them. */
export const PROVIDER_NAMESPACES = ['editor', 'custom'] as const;

/** A method name a client may provide: `editor.<name>` or `custom.<name>`. */
export const PROVIDED_METHOD_PATTERN = /^(editor|custom)\.[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Methods one connection may provide at once. */
export const MAX_PROVIDED_METHODS = 32;

/** Routed requests one provider may have in flight; more are refused with RATE_LIMITED. */
export const MAX_ROUTED_IN_FLIGHT = 64;

export function isProvidableMethod(name: string): boolean {
  return PROVIDED_METHOD_PATTERN.test(name);
}

// Client → server

/** Announces methods this connection answers; the response lists all it now provides. */
export interface ProvideMessage {
  type: 'provide';
  id?: string;
  methods: string[];
}
/** Withdraws methods; the response lists what the connection still provides. */
export interface UnprovideMessage {
  type: 'unprovide';
  id?: string;
  methods: string[];
}
/** A provider's answer to a routed request, with the server's id for it. */
export interface ProviderResponseMessage {
  type: 'response';
  id: string;
  result?: unknown;
  error?: ErrorBody;
}
/**
 * Client → server: the requester gives up its own request `id` (answered with CANCELLED).
 * Server → provider: drop the routed request `id` (cancelled, timed out, or the requester left).
 */
export interface CancelMessage {
  type: 'cancel';
  id: string;
}

/** The result of `provide` and `unprovide`: every method the connection provides now. */
export interface ProvideResult {
  methods: string[];
}

// Server → provider

/** A request routed to the provider of `method`, under the server's own id. */
export interface RoutedRequestMessage {
  type: 'request';
  id: string;
  method: string;
  params?: unknown;
  from: { clientId: string };
}

/** Who provides which method, in `server.info` and the `system` events. */
export interface ProviderInfo {
  method: string;
  clientId: string;
}
