/**
 * MCP over stdio, the way agents launch their tools: JSON-RPC on stdin/stdout, nothing else on
 * stdout. Ends when the agent closes stdin (or the transport fails).
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { SidecarBackend } from './backend.js';
import { createSidecarMcpServer } from './server.js';

export interface StdioSession {
  /** Resolves once the agent has gone (stdin ended) or `close()` was called. */
  readonly ended: Promise<void>;
  close(): Promise<void>;
}

export async function serveStdio(
  backend: SidecarBackend,
  streams: { stdin: NodeJS.ReadableStream; stdout: NodeJS.WritableStream } = process,
): Promise<StdioSession> {
  const server = createSidecarMcpServer(backend);
  const transport = new StdioServerTransport(
    streams.stdin as typeof process.stdin,
    streams.stdout as typeof process.stdout,
  );
  let markEnded!: () => void;
  const ended = new Promise<void>((resolve) => {
    markEnded = resolve;
  });
  transport.onclose = markEnded;
  // The SDK's transport only reads; an agent closing our stdin is how it says goodbye.
  streams.stdin.once('end', markEnded);
  streams.stdin.once('close', markEnded);
  await server.mcp.connect(transport);
  return {
    ended,
    async close() {
      await server.close();
      markEnded();
    },
  };
}
