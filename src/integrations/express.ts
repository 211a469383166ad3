/**
 * Express 5: `app.use(sidecar.middleware)` before the body parsers, then
 * `await sidecar.attach(app.listen(port))`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type EmbeddedSidecar, type EmbedOptions, embedSidecar } from './embed.js';

export { DEFAULT_PREFIX, type EmbeddedSidecar, type EmbedOptions } from './embed.js';

export interface ExpressSidecar extends EmbeddedSidecar {
  /** Express middleware: answers the sidecar's routes, passes every other request on. */
  readonly middleware: (
    request: IncomingMessage,
    response: ServerResponse,
    next: (error?: unknown) => void,
  ) => void;
}

export function sidecarExpress(options?: EmbedOptions): ExpressSidecar {
  const embedded = embedSidecar(options);
  return {
    ...embedded,
    middleware(request, response, next) {
      if (!embedded.handle(request, response)) next();
    },
  };
}
