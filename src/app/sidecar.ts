import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { SidecarError } from '../core/errors.js';
import { defineMethod, noParams } from '../core/methods.js';
import type { Source } from '../core/source.js';
import { VERSION } from '../core/version.js';
import { createMcpEndpoint } from '../mcp/http-endpoint.js';
import { BUILTIN_CHANNELS, type ServerInfo } from '../protocol/index.js';
import { createBroadcaster, type EventBroadcaster } from '../server/broadcaster.js';
import {
  type DiscoveryRecord,
  defaultDiscoveryDir,
  removeDiscovery,
  writeDiscovery,
} from '../server/discovery.js';
import { createEditorOpenMethod } from '../server/editor-open.js';
import { createHttpHandlers, MCP_PATH, WEBSOCKET_PATH } from '../server/http.js';
import { listenWithRetry } from '../server/listen.js';
import {
  type ConnectionInfo,
  createWebSocketManager,
  type ManagerStats,
} from '../server/manager.js';
import { createMethodRegistry, type MethodRegistry } from '../server/method-registry.js';
import { renderMetrics } from '../server/metrics.js';
import { createPairMethod } from '../server/pairing.js';
import { createPublisher, type Publisher } from '../server/publisher.js';
import { createAccessPolicy } from '../server/security.js';
import { createSourceRunner } from '../server/source-runner.js';
import { createStaticFiles, PACKAGE_ROOT } from '../server/static-files.js';
import { createAiSource } from '../sources/ai/index.js';
import { createDiagnosticsSource } from '../sources/diagnostics/index.js';
import { createFilesSource } from '../sources/files/index.js';
import { createGitSource } from '../sources/git/index.js';
import { createSearchSource } from '../sources/search/index.js';
import { createValidationSource } from '../sources/validation/index.js';
import { normalizeOptions, type ResolvedOptions, type SidecarOptions } from './options.js';

export interface Sidecar {
  readonly options: ResolvedOptions;
  readonly epoch: string;
  /** The token clients must present, or null with auth off. */
  readonly token: string | null;
  readonly broadcaster: EventBroadcaster;
  readonly publisher: Publisher;
  readonly methods: MethodRegistry;
  /** `http://host:port` once listening (or attached to a listening server). */
  readonly url: string;
  /** `ws://host:port/ws`. */
  readonly wsUrl: string;
  readonly port: number;
  /**
   * The dashboard URL with the token, as printed by `sidecar serve`; null when attached, where
   * the dashboard is not served.
   */
  readonly dashboardUrl: string | null;
  /** Path of the discovery file written, if any. */
  readonly discoveryFile: string | undefined;
  /** Creates an HTTP server and listens on the configured host and port (next free one unless strict). */
  listen(): Promise<void>;
  /**
   * Serves the sidecar on an existing `http.Server` (Express, Fastify, Hono's node server):
   * WebSocket upgrades to `/ws` are handled; other upgrade paths are left to their owners.
   * With `prefix` (`/__sidecar`, say) every route of the sidecar moves under it: `/__sidecar/ws`.
   */
  attach(server: Server, options?: AttachOptions): Promise<void>;
  /** Answers the sidecar's HTTP routes; returns false (untouched) for other paths. */
  handleRequest(request: IncomingMessage, response: ServerResponse): boolean;
  clientCount(): number;
  connections(): ConnectionInfo[];
  stats(): ManagerStats;
  info(): ServerInfo;
  /** Tells clients, closes them with 1001, stops the sources, removes the discovery file. */
  close(reason?: string): Promise<void>;
}

export interface AttachOptions {
  /** The path the sidecar's routes are served under on a shared server, e.g. `/__sidecar`. */
  prefix?: string;
}

const OWN_ROUTES: ReadonlySet<string> = new Set(['/healthz', '/metrics', '/publish', MCP_PATH]);
const WEBSOCKET_ROUTE: ReadonlySet<string> = new Set([WEBSOCKET_PATH]);

/** Composes a sidecar from its options. Nothing listens until `listen()` or `attach()`. */
export function createSidecar(input: SidecarOptions = {}): Sidecar {
  const options = normalizeOptions(input);
  const log = options.logger;
  const startedAt = Date.now();
  const broadcaster = createBroadcaster({ history: options.history });
  const methods = createMethodRegistry(options.requestTimeoutMs);
  const sources: Source[] = options.sources ?? [
    createFilesSource(options.files),
    createGitSource(options.git),
    createDiagnosticsSource({ servers: options.lsp, maxOpenFiles: options.maxOpenFiles }),
    createSearchSource(options.search),
    createValidationSource(options.validation),
    createAiSource(options.ai),
  ];
  const publisher = createPublisher(broadcaster, sources);
  const runner = createSourceRunner({ sources, root: options.root, broadcaster, methods, log });
  const policy = createAccessPolicy({
    token: options.token,
    allowHosts: options.allowHosts,
    allowOrigins: options.allowOrigins,
  });

  const manager = createWebSocketManager({
    broadcaster,
    methods,
    publisher,
    log: log.child('ws'),
    server: { name: 'sidecar', version: VERSION },
    root: options.root,
    options: {
      heartbeatMs: options.heartbeatMs,
      rateLimit: options.rateLimit,
      rateBurst: options.rateBurst,
      maxPayload: options.maxPayload,
      highWaterMark: options.highWaterMark,
      maxPendingRequests: 64,
      requestTimeoutMs: options.requestTimeoutMs,
    },
    onClientCountChange: ({ clientId, clients, connected }) => {
      broadcaster.emit('system', connected ? 'connected' : 'disconnected', { clientId, clients });
      if (!connected) runner.clientGone(clientId);
    },
  });

  const mcp = createMcpEndpoint({
    root: options.root,
    broadcaster,
    methods,
    info: () => info(),
    maxPayload: options.maxPayload,
    log: log.child('mcp'),
  });

  const http = createHttpHandlers({
    policy,
    publisher,
    mcp: mcp.handle,
    maxPayload: options.maxPayload,
    dashboard: createStaticFiles([
      {
        prefix: '/lib/',
        dir: join(PACKAGE_ROOT, 'dist'),
        allow: (p) => p.startsWith('client/') || p.startsWith('protocol/'),
      },
      { prefix: '/', dir: join(PACKAGE_ROOT, 'src', 'dashboard') },
    ]),
    metrics: () =>
      renderMetrics({
        stats: manager.stats(),
        seqByChannel: broadcaster
          .channels()
          .map((channel) => [channel, broadcaster.latestSeq(channel)]),
        sources: runner.states(),
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      }),
    shuttingDown: () => closing !== undefined,
    upgrade: (request, socket, head) => manager.handleUpgrade(request, socket, head),
    log,
  });

  function info(): ServerInfo {
    return {
      name: 'sidecar',
      version: VERSION,
      root: options.root,
      epoch: broadcaster.epoch,
      protocol: 1,
      channels: [...BUILTIN_CHANNELS],
      methods: methods.names(),
      sources: runner.states(),
      clients: manager.clientCount(),
      providers: manager.providers.list(),
    };
  }
  methods.register(defineMethod({ name: 'server.info', params: noParams, handler: info }));
  methods.register(createEditorOpenMethod({ root: options.root, providers: manager.providers }));
  methods.register(
    createPairMethod({
      allowOrigin: (origin) => policy.allowOrigin(origin),
      servesDashboard: () => ownsServer,
      onPaired: (origin) => log.info(`paired ${origin}: it may connect until the sidecar stops`),
    }),
  );

  let server: Server | undefined;
  let ownsServer = false;
  let address = { host: options.host, port: 0 };
  let prefix = '';
  let discovery: { record: DiscoveryRecord; dir: string; file: string } | undefined;
  let closing: Promise<void> | undefined;

  /**
   * On an attached server, whether the request is the sidecar's (`prefix` + one of `routes`);
   * if so its URL loses the prefix, as the sidecar's routes are written without it.
   */
  function claim(request: IncomingMessage, routes: ReadonlySet<string>): boolean {
    if (ownsServer) return true;
    const { pathname, search } = new URL(request.url ?? '/', 'http://localhost');
    if (!pathname.startsWith(prefix)) return false;
    const route = pathname.slice(prefix.length);
    if (!routes.has(route)) return false;
    if (prefix) request.url = route + search;
    return true;
  }

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // An attached sidecar shares the server with other upgrade handlers (vite's HMR, say).
    if (claim(request, WEBSOCKET_ROUTE)) http.handleUpgrade(request, socket, head);
  };

  async function started(target: Server): Promise<void> {
    const bound = target.address();
    if (bound && typeof bound === 'object') {
      // An attached server is bound where its app chose: `host` is ours only when we listen.
      address = {
        host: ownsServer ? options.host : connectableHost(bound.address),
        port: bound.port,
      };
    }
    await runner.start();
    if (options.discovery) {
      const dir = options.discovery.dir ?? defaultDiscoveryDir();
      const record: DiscoveryRecord = {
        pid: process.pid,
        port: address.port,
        host: address.host,
        url: sidecar.url,
        token: options.token,
        root: options.root,
        version: VERSION,
        startedAt,
      };
      discovery = { record, dir, file: await writeDiscovery(record, dir) };
    }
  }

  const urlHost = () => (address.host.includes(':') ? `[${address.host}]` : address.host);

  const sidecar: Sidecar = {
    options,
    epoch: broadcaster.epoch,
    token: options.token,
    broadcaster,
    publisher,
    methods,
    get url() {
      return `http://${urlHost()}:${address.port}`;
    },
    get wsUrl() {
      return `ws://${urlHost()}:${address.port}${prefix}${WEBSOCKET_PATH}`;
    },
    get port() {
      return address.port;
    },
    get dashboardUrl() {
      if (server && !ownsServer) return null;
      return options.token
        ? `${sidecar.url}/?token=${encodeURIComponent(options.token)}`
        : `${sidecar.url}/`;
    },
    get discoveryFile() {
      return discovery?.file;
    },
    async listen() {
      if (server) throw new Error('this sidecar is already serving');
      const created = createServer(http.handleRequest);
      server = created;
      ownsServer = true;
      created.on('upgrade', onUpgrade);
      created.on('clientError', (_error, socket) => socket.destroy());
      try {
        await listenWithRetry(created, options);
      } catch (error) {
        server = undefined;
        throw error;
      }
      await started(created);
    },
    async attach(target, attachOptions = {}) {
      if (server) throw new Error('this sidecar is already serving');
      prefix = normalizePrefix(attachOptions.prefix);
      server = target;
      target.on('upgrade', onUpgrade);
      if (!target.listening) await new Promise((resolve) => target.once('listening', resolve));
      await started(target);
    },
    handleRequest(request, response) {
      // A server of our own answers every path; an attached one only ours.
      if (!claim(request, OWN_ROUTES)) return false;
      http.handleRequest(request, response);
      return true;
    },
    clientCount: () => manager.clientCount(),
    connections: () => manager.connections(),
    stats: () => manager.stats(),
    info,
    close(reason = 'server closing') {
      closing ??= (async () => {
        // From here on a publish answers UNAVAILABLE: every event acknowledged before this
        // line was already broadcast, so it reaches the subscribers ahead of their 1001.
        publisher.stop();
        await Promise.all([manager.close(reason), mcp.close()]);
        await runner.stop();
        if (discovery)
          await removeDiscovery(discovery.record, discovery.dir).catch(() => undefined);
        if (server && ownsServer) {
          const owned = server;
          const closed = new Promise<void>((resolve) => owned.close(() => resolve()));
          owned.closeAllConnections();
          await closed;
        } else {
          server?.off('upgrade', onUpgrade);
        }
      })();
      return closing;
    },
  };
  return sidecar;
}

/** `/__sidecar/` → `/__sidecar`; a prefix that is not a plain path is refused. */
export function normalizePrefix(input: string | undefined): string {
  if (input === undefined || input === '' || input === '/') return '';
  if (!/^\/[A-Za-z0-9._~\-/]*$/.test(input) || input.includes('//')) {
    throw new SidecarError(
      'INVALID_PARAMS',
      `prefix "${input}" must be a path such as "/__sidecar" (letters, digits, . _ ~ - /)`,
    );
  }
  return input.replace(/\/+$/, '');
}

/** The address to reach a server bound to `address`: a wildcard is reached on loopback. */
function connectableHost(address: string): string {
  if (address === '0.0.0.0' || address === '::') return '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

/** Creates a sidecar and starts listening: the programmatic `sidecar serve`. */
export async function startSidecar(input: SidecarOptions = {}): Promise<Sidecar> {
  const sidecar = createSidecar(input);
  await sidecar.listen();
  return sidecar;
}
