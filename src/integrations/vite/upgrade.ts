/**
 * Hands the sidecar the WebSocket upgrades to `/__sidecar/ws` on Vite's server, and only those:
 * the sidecar attaches to a stand-in server that sees them as `/ws`, so Vite's HMR socket and
 * the app's own upgrades (a proxied `/ws`, say) never reach it.
 *
 * Browsers cannot set headers on a WebSocket, and a `?token=` would put the token in a URL: the
 * overlay offers it as a subprotocol (`sidecar-token.<token>`), moved here into the
 * `Authorization` header the sidecar checks, and the socket is answered as plain `sidecar`.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { SIDECAR_PREFIX } from './prefix.js';

const TOKEN_PROTOCOL = 'sidecar-token.';

export interface UpgradeForwarder {
  /** What the sidecar attaches to: upgrades to our path, with the address of Vite's server. */
  readonly server: Server;
}

/** Vite's server: HTTP, HTTPS or HTTP/2, all of which emit `upgrade`. */
export interface UpgradingServer extends EventEmitter {
  readonly listening: boolean;
  address(): AddressInfo | string | null;
}

export function createUpgradeForwarder(viteServer: UpgradingServer): UpgradeForwarder {
  const stand = new EventEmitter();
  Object.defineProperties(stand, {
    listening: { get: () => viteServer.listening },
    address: { value: () => viteServer.address() },
  });
  viteServer.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== `${SIDECAR_PREFIX}ws`) return;
    moveTokenToHeader(request);
    request.url = `/ws${url.search}`;
    stand.emit('upgrade', request, socket, head);
  });
  // Only what `attach()` uses of a server: events, `listening` and `address()`.
  return { server: stand as unknown as Server };
}

function moveTokenToHeader(request: IncomingMessage): void {
  const offered = (request.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((protocol) => protocol.trim())
    .filter(Boolean);
  const tokenProtocol = offered.find((protocol) => protocol.startsWith(TOKEN_PROTOCOL));
  if (!tokenProtocol) return;
  request.headers.authorization = `Bearer ${tokenProtocol.slice(TOKEN_PROTOCOL.length)}`;
  const rest = offered.filter((protocol) => protocol !== tokenProtocol);
  if (rest.length > 0) request.headers['sec-websocket-protocol'] = rest.join(', ');
  else delete request.headers['sec-websocket-protocol'];
}
