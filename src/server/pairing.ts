import { z } from 'zod';
import { SidecarError } from '../core/errors.js';
import { defineMethod, type MethodDefinition } from '../core/methods.js';
import { hostnameOf, isLoopbackAddress } from './security.js';

/*
 * `server.pair {origin}`: the dashboard allows a browser extension's origin
 * (`chrome-extension://<id>`) for this server's lifetime, so the DevTools extension it hands
 * the token to can connect. Only the sidecar's own dashboard page may: a page on its loopback
 * origin, not an extension, another site, or a client with no Origin at all.
 */

/** A Chromium extension's origin: its id is 32 letters from a to p. */
export const EXTENSION_ORIGIN_PATTERN = /^chrome-extension:\/\/[a-p]{32}$/;

export interface PairingDeps {
  /** Allows the origin at the gate. */
  allowOrigin(origin: string): void;
  /** False when the sidecar serves no dashboard (attached to an app's server). */
  servesDashboard(): boolean;
  onPaired?(origin: string): void;
}

const params = z.object({
  origin: z.string().regex(EXTENSION_ORIGIN_PATTERN, {
    message: 'must be chrome-extension://<id>, the id being 32 letters from a to p',
  }),
});

/** Whether the caller is a page of the sidecar's own origin (its dashboard). */
export function isOwnPage(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined || host === undefined) return false;
  if (!isLoopbackAddress(hostnameOf(host))) return false;
  return origin.toLowerCase() === `http://${host.toLowerCase()}`;
}

export function createPairMethod(deps: PairingDeps): MethodDefinition {
  return defineMethod({
    name: 'server.pair',
    params,
    handler({ origin }, caller) {
      if (!deps.servesDashboard() || !isOwnPage(caller.origin, caller.host)) {
        throw new SidecarError(
          'FORBIDDEN',
          "server.pair may only be called from the sidecar's own dashboard page",
        );
      }
      deps.allowOrigin(origin);
      deps.onPaired?.(origin);
      return { origin, allowed: true as const };
    },
  });
}
