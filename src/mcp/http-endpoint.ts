/**
 * `/mcp` on the sidecar's own port: MCP over Streamable HTTP, one session per client, each
 * with its own server over the in-process backend. The HTTP gate (Host, Origin, token) has
 * already let the request through. The SDK is loaded on the first request, so a sidecar that
 * no agent talks to never loads it.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Logger } from '../core/logger.js';
import { createInProcessBackend, type InProcessParts } from './in-process-backend.js';
import type { SidecarMcpServer } from './server.js';

/** Sessions kept at once; a new one past it ends the least recently used. */
const MAX_SESSIONS = 32;

export interface McpEndpoint {
  handle(request: IncomingMessage, response: ServerResponse): void;
  /** Ends every session (the sidecar is closing). */
  close(): Promise<void>;
}

export interface McpEndpointOptions extends InProcessParts {
  /** Largest accepted request body. */
  maxPayload: number;
  log: Logger;
}

interface Session {
  transport: StreamableHTTPServerTransport;
  server: SidecarMcpServer;
}

export function createMcpEndpoint(options: McpEndpointOptions): McpEndpoint {
  const { log } = options;
  /** Insertion order is use order: a used session is moved to the end. */
  const sessions = new Map<string, Session>();
  let closed = false;

  async function openSession(): Promise<Session> {
    const [{ StreamableHTTPServerTransport }, { createSidecarMcpServer }] = await Promise.all([
      import('@modelcontextprotocol/sdk/server/streamableHttp.js'),
      import('./server.js'),
    ]);
    const server = createSidecarMcpServer(
      createInProcessBackend(options, `mcp-${randomUUID().slice(0, 8)}`),
    );
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      maxRequestBodySize: options.maxPayload,
      onsessioninitialized: (id) => {
        sessions.set(id, session);
        while (sessions.size > MAX_SESSIONS) {
          const [oldest, evicted] = sessions.entries().next().value!;
          sessions.delete(oldest);
          void evicted.server.close();
        }
      },
      onsessionclosed: (id) => {
        sessions.delete(id);
      },
    });
    const session: Session = { transport, server };
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await server.mcp.connect(transport);
    return session;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (closed) {
      response.writeHead(503).end();
      return;
    }
    const header = request.headers['mcp-session-id'];
    const id = Array.isArray(header) ? header[0] : header;
    if (id !== undefined) {
      const session = sessions.get(id);
      if (!session) {
        sendJsonRpcError(response, 404, -32001, 'unknown or expired MCP session: initialize again');
        return;
      }
      sessions.delete(id);
      sessions.set(id, session);
      await session.transport.handleRequest(request, response);
      return;
    }
    // No session yet: only an initialize may come; the transport refuses anything else.
    const session = await openSession();
    await session.transport.handleRequest(request, response);
    if (!session.transport.sessionId) await session.server.close();
  }

  return {
    handle(request, response) {
      handle(request, response).catch((error: unknown) => {
        log.error('MCP request failed', error);
        if (!response.headersSent) sendJsonRpcError(response, 500, -32603, 'internal error');
        else response.end();
      });
    },
    async close() {
      closed = true;
      const open = [...sessions.values()];
      sessions.clear();
      await Promise.all(open.map((session) => session.server.close().catch(() => undefined)));
    },
  };
}

function sendJsonRpcError(
  response: ServerResponse,
  status: number,
  code: number,
  message: string,
): void {
  const body = JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null });
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  response.end(body);
}
