/**
 * Hono on `@hono/node-server`: `app.use(sidecar.middleware)`, then
 * `await sidecar.attach(serve({ fetch: app.fetch, port }))`.
 */
import type { Server } from 'node:http';
import type { HttpBindings, ServerType } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { MiddlewareHandler } from 'hono';
import { type EmbeddedSidecar, type EmbedOptions, embedSidecar } from './embed.js';

export { DEFAULT_PREFIX, type EmbeddedSidecar, type EmbedOptions } from './embed.js';

export interface HonoSidecar extends Omit<EmbeddedSidecar, 'attach'> {
  /** Hono middleware: answers the sidecar's routes on Node's own request and response. */
  readonly middleware: MiddlewareHandler<{ Bindings: HttpBindings }>;
  /** Takes the server `serve()` returned: an `http.Server` (HTTP/2 has no WebSocket upgrade). */
  attach(server: ServerType): Promise<void>;
}

export function sidecarHono(options?: EmbedOptions): HonoSidecar {
  const embedded = embedSidecar(options);
  return {
    ...embedded,
    attach: (server) => embedded.attach(server as Server),
    async middleware(context, next) {
      // The sidecar writes to Node's response itself; Hono is told not to send one.
      if (embedded.handle(context.env.incoming, context.env.outgoing)) return RESPONSE_ALREADY_SENT;
      await next();
    },
  };
}
