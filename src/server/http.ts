import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { SidecarError, toErrorBody } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { ErrorBody, ErrorCode, PublishRequestBody } from '../protocol/index.js';
import type { Publisher } from './publisher.js';
import type { AccessPolicy } from './security.js';
import type { StaticFiles } from './static-files.js';

export const WEBSOCKET_PATH = '/ws';
export const MCP_PATH = '/mcp';

export interface HttpDeps {
  policy: AccessPolicy;
  publisher: Publisher;
  /** Prometheus text for `GET /metrics`. */
  metrics: () => string;
  dashboard: StaticFiles;
  /** Largest accepted `POST /publish` body. */
  maxPayload: number;
  /** Answers `/mcp` requests that passed every check (the MCP endpoint). */
  mcp?: (request: IncomingMessage, response: ServerResponse) => void;
  /** True once shutdown has begun: new WebSockets are refused before the upgrade. */
  shuttingDown: () => boolean;
  /** Hands an upgrade that passed every check to the WebSocket manager. */
  upgrade: (request: IncomingMessage, socket: Duplex, head: Buffer) => void;
  log: Logger;
}

export interface HttpHandlers {
  handleRequest(request: IncomingMessage, response: ServerResponse): void;
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
}

/** What a cross-origin caller (from an allowed origin) may send to a route, and may read back. */
interface CorsRule {
  methods: string;
  headers: string;
  expose?: string;
}
const PUBLISH_CORS: CorsRule = {
  methods: 'POST, OPTIONS',
  headers: 'authorization, content-type',
};
/** Streamable HTTP: the session and protocol headers go both ways, and GET opens the stream. */
const MCP_CORS: CorsRule = {
  methods: 'GET, POST, DELETE, OPTIONS',
  headers: 'authorization, content-type, mcp-session-id, mcp-protocol-version, last-event-id',
  expose: 'mcp-session-id, mcp-protocol-version',
};

const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  INVALID_MESSAGE: 400,
  INVALID_PARAMS: 400,
  UNKNOWN_CHANNEL: 404,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
};

/** Routes and the upgrade gate: every check of who may connect happens here, before `ws`. */
export function createHttpHandlers(deps: HttpDeps): HttpHandlers {
  const { policy, log } = deps;

  /** The checks shared by HTTP routes and the upgrade; returns the refusal, if any. */
  function hostRefusal(request: IncomingMessage): ErrorBody | undefined {
    if (policy.isHostAllowed(request.headers.host)) return undefined;
    return { code: 'FORBIDDEN', message: `host "${request.headers.host ?? ''}" is not allowed` };
  }

  function refusal(request: IncomingMessage, needsAuth: boolean): ErrorBody | undefined {
    const badHost = hostRefusal(request);
    if (badHost) return badHost;
    if (!policy.isOriginAllowed(request.headers.origin, request.headers.host)) {
      return { code: 'FORBIDDEN', message: `origin "${request.headers.origin}" is not allowed` };
    }
    if (needsAuth && !policy.isAuthorized(request)) {
      return {
        code: 'UNAUTHORIZED',
        message: 'a valid token is required (Authorization: Bearer or ?token=)',
      };
    }
    return undefined;
  }

  function handleRequest(request: IncomingMessage, response: ServerResponse): void {
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Cache-Control', 'no-store');

    if (pathname === '/healthz') {
      const denied = hostRefusal(request);
      if (denied) sendError(response, denied);
      else sendJson(response, 200, { status: 'ok' });
      return;
    }
    if (pathname === '/metrics') {
      const denied = refusal(request, true);
      if (denied) {
        sendError(response, denied);
        return;
      }
      response.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
      response.end(deps.metrics());
      return;
    }
    if (pathname === '/publish') {
      allowCors(request, response, PUBLISH_CORS);
      if (request.method === 'OPTIONS') {
        const denied = refusal(request, false);
        if (denied) {
          sendError(response, denied);
          return;
        }
        response.writeHead(204).end();
        return;
      }
      const denied = refusal(request, true);
      if (denied) {
        sendError(response, denied);
        return;
      }
      if (request.method !== 'POST') {
        sendJson(response, 405, methodNotAllowed('POST'));
        return;
      }
      handlePublish(request, response);
      return;
    }
    if (pathname === MCP_PATH && deps.mcp) {
      // A browser-based MCP client (an inspector page on an allowed origin) preflights first.
      allowCors(request, response, MCP_CORS);
      if (request.method === 'OPTIONS') {
        const denied = refusal(request, false);
        if (denied) sendError(response, denied);
        else response.writeHead(204).end();
        return;
      }
      const denied = refusal(request, true);
      if (denied) sendError(response, denied);
      else deps.mcp(request, response);
      return;
    }
    if (request.method === 'GET' || request.method === 'HEAD') {
      const denied = refusal(request, false);
      if (denied) {
        sendError(response, denied);
        return;
      }
      if (deps.dashboard.serve(pathname, request, response)) return;
    }
    sendJson(response, 404, {
      error: { code: 'NOT_FOUND', message: `no route for ${request.method} ${pathname}` },
    });
  }

  function allowCors(request: IncomingMessage, response: ServerResponse, cors: CorsRule): void {
    const origin = request.headers.origin;
    if (origin && policy.isOriginAllowed(origin, request.headers.host)) {
      response.setHeader('Access-Control-Allow-Origin', origin);
      response.setHeader('Access-Control-Allow-Headers', cors.headers);
      response.setHeader('Access-Control-Allow-Methods', cors.methods);
      if (cors.expose) response.setHeader('Access-Control-Expose-Headers', cors.expose);
      response.setHeader('Vary', 'Origin');
    }
  }

  function handlePublish(request: IncomingMessage, response: ServerResponse): void {
    readBody(request, deps.maxPayload)
      .then((body) => {
        let input: unknown;
        try {
          input = JSON.parse(body);
        } catch (error) {
          throw new SidecarError(
            'INVALID_MESSAGE',
            `body is not valid JSON: ${(error as Error).message}`,
          );
        }
        if (!isPublishInput(input)) {
          throw new SidecarError(
            'INVALID_MESSAGE',
            'body must be {"channel": string, "event": string, "data"?: any}',
          );
        }
        sendJson(response, 200, deps.publisher.publish(input));
      })
      .catch((error: unknown) => {
        if (!(error instanceof SidecarError)) log.error('POST /publish failed', error);
        sendError(response, toErrorBody(error));
      });
  }

  function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', (error) => log.debug(`upgrade socket error: ${error.message}`));
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    if (pathname !== WEBSOCKET_PATH) {
      rejectUpgrade(socket, 404, `the WebSocket endpoint is ${WEBSOCKET_PATH}`);
      return;
    }
    const denied = refusal(request, true);
    if (denied) {
      log.info(`refused a WebSocket from ${request.socket.remoteAddress}: ${denied.message}`);
      rejectUpgrade(socket, statusOf(denied.code), denied.message);
      return;
    }
    // A socket opened now would only be closed again: refuse it while it is still plain HTTP.
    if (deps.shuttingDown()) {
      rejectUpgrade(socket, statusOf('UNAVAILABLE'), 'the sidecar is shutting down');
      return;
    }
    deps.upgrade(request, socket, head);
  }

  return { handleRequest, handleUpgrade };
}

function methodNotAllowed(allowed: string) {
  return { error: { code: 'METHOD_NOT_ALLOWED', message: `use ${allowed}` } };
}

function statusOf(code: ErrorCode): number {
  return STATUS_OF[code] ?? 500;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}

function sendError(response: ServerResponse, error: ErrorBody): void {
  sendJson(response, statusOf(error.code), { error });
}

/** Answers a refused upgrade with a plain HTTP response: the socket is never upgraded. */
function rejectUpgrade(socket: Duplex, status: number, message: string): void {
  const reason =
    { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' }[
      status
    ] ?? 'Error';
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new SidecarError('PAYLOAD_TOO_LARGE', `body larger than ${limit} bytes`));
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function isPublishInput(value: unknown): value is PublishRequestBody {
  if (typeof value !== 'object' || value === null) return false;
  const { channel, event } = value as { channel?: unknown; event?: unknown };
  return (
    typeof channel === 'string' &&
    typeof event === 'string' &&
    event.length > 0 &&
    event.length <= 128
  );
}
