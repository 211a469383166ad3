/**
 * `sidecar/vite`: runs a sidecar inside the Vite dev server, on Vite's port under `/__sidecar/`,
 * next to Vite's own HMR socket, and injects an overlay that lists the workspace's diagnostics
 * and validation problems into every page Vite serves.
 *
 *   import sidecar from 'sidecar/vite';
 *   export default defineConfig({ plugins: [sidecar()] });
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin, ViteDevServer } from 'vite';
import type { SidecarOptions } from '../../app/options.js';
import { createSidecar, type Sidecar } from '../../app/sidecar.js';
import { createRoutes, SIDECAR_PREFIX } from './routes.js';
import { createUpgradeForwarder } from './upgrade.js';

export interface SidecarViteOptions extends Omit<SidecarOptions, 'port' | 'host'> {
  /** Inject the problems overlay into the pages Vite serves (default true). */
  overlay?: boolean;
}

export { SIDECAR_PREFIX };

export default function sidecar(input: SidecarViteOptions = {}): Plugin {
  const { overlay = true, ...options } = input;
  let running: Sidecar | undefined;
  return {
    name: 'sidecar',
    apply: 'serve',
    configureServer(server: ViteDevServer) {
      const httpServer = server.httpServer;
      // Middleware mode: there is no server of Vite's to share.
      if (!httpServer) return;
      const sidecar = createSidecar({ root: server.config.root, ...options });
      running = sidecar;
      const forwarder = createUpgradeForwarder(httpServer);
      const routes = createRoutes(sidecar);
      server.middlewares.use((request: IncomingMessage, response: ServerResponse, next) => {
        if (!routes.handle(request, response)) next();
      });
      const start = () => {
        sidecar
          .attach(forwarder.server, { publicPrefix: SIDECAR_PREFIX })
          .catch((error: unknown) => {
            server.config.logger.error(`sidecar: could not start: ${(error as Error).message}`);
          });
      };
      if (httpServer.listening) start();
      else httpServer.once('listening', start);
    },
    transformIndexHtml() {
      if (!overlay || !running) return [];
      return [
        {
          tag: 'script',
          attrs: { type: 'module', src: `${SIDECAR_PREFIX}overlay.js` },
          injectTo: 'body',
        },
      ];
    },
    async closeBundle() {
      await running?.close('vite dev server closing');
      running = undefined;
    },
  };
}
