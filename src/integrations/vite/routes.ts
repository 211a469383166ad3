/**
 * The sidecar's HTTP routes on Vite's server, under `/__sidecar/`: the overlay's script and the
 * client library it imports, the token for same-origin pages, and the sidecar's own routes (`/healthz`, `/metrics`, `/publish`, `/mcp`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Sidecar } from '../../app/sidecar.js';
import { hostnameOf, isLoopbackAddress } from '../../server/security.js';
import { createStaticFiles, PACKAGE_ROOT } from '../../server/static-files.js';
import { answerJson } from './answer-json.js';

export { SIDECAR_PREFIX } from './prefix.js';

import { SIDECAR_PREFIX } from './prefix.js';

export interface Routes {
  /** Starts answering and returns true for a path under the prefix. */
  handle(request: IncomingMessage, response: ServerResponse): boolean;
}

export function createRoutes(sidecar: Sidecar): Routes {
  const files = createStaticFiles([
    {
      prefix: '/lib/',
      dir: join(PACKAGE_ROOT, 'dist'),
      allow: (p) => p.startsWith('client/') || p.startsWith('protocol/') || p === 'protocol.js',
    },
    {
      prefix: '/',
      dir: join(PACKAGE_ROOT, 'src', 'integrations', 'vite', 'overlay'),
      // Only the script: every other path goes on to the sidecar's own routes.
      allow: (p) => p === 'overlay.js',
    },
  ]);
  return {
    handle(request, response) {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (!url.pathname.startsWith(SIDECAR_PREFIX)) return false;
      const path = `/${url.pathname.slice(SIDECAR_PREFIX.length)}`;
      if (path === '/token') {
        answerToken(sidecar, request, response);
        return true;
      }
      if (path !== '/' && files.serve(path, request, response)) return true;
      request.url = `${path}${url.search}`;
      if (sidecar.handleRequest(request, response)) return true;
      answerJson(response, 404, { code: 'NOT_FOUND', message: `no sidecar route ${url.pathname}` });
      return true;
    },
  };
}

/**
 * The token, for pages of this server only: a browser marks its request `same-origin`, the host
 * is loopback (a Vite exposed with `--host` does not hand it out), and no CORS header is added
 * (this runs before Vite's own middlewares), so another origin's page cannot read the answer.
 */
function answerToken(sidecar: Sidecar, request: IncomingMessage, response: ServerResponse): void {
  if (!isSameOriginRequest(request)) {
    answerJson(response, 403, {
      code: 'FORBIDDEN',
      message: 'the token is handed only to same-origin pages on a loopback address',
    });
    return;
  }
  answerJson(response, 200, { token: sidecar.token });
}

function isSameOriginRequest(request: IncomingMessage): boolean {
  const host = request.headers.host;
  if (!host || !isLoopbackAddress(hostnameOf(host))) return false;
  if (request.headers['sec-fetch-site'] !== 'same-origin') return false;
  const origin = request.headers.origin;
  return origin === undefined || origin === `http://${host}` || origin === `https://${host}`;
}
