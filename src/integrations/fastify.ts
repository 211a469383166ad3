/**
 * Fastify 5: `await app.register(sidecarFastify, options)`. The sidecar answers its routes in an
 * `onRequest` hook (before Fastify reads the body), attaches when the app listens and closes
 * with it; `app.sidecar` is the embedded sidecar.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { type EmbeddedSidecar, type EmbedOptions, embedSidecar } from './embed.js';

export { DEFAULT_PREFIX, type EmbeddedSidecar, type EmbedOptions } from './embed.js';

declare module 'fastify' {
  interface FastifyInstance {
    sidecar: EmbeddedSidecar;
  }
}

const plugin: FastifyPluginAsync<EmbedOptions> = async (app: FastifyInstance, options) => {
  const embedded = embedSidecar(options);
  app.decorate('sidecar', embedded);
  app.addHook('onRequest', (request, reply, done) => {
    if (!embedded.handle(request.raw, reply.raw)) {
      done();
      return;
    }
    // Answered on Node's response: Fastify must neither reply nor run the route.
    reply.hijack();
  });
  app.addHook('onListen', () => embedded.attach(app.server));
  app.addHook('onClose', () => embedded.close());
};

// What `fastify-plugin` does: the hooks apply to the whole app, not only to this plugin's scope.
Object.assign(plugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'sidecar',
});

export const sidecarFastify = plugin;
