import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach } from 'vitest';
import type { Sidecar } from '../../src/app/sidecar.js';
import { TEST_TOKEN } from './server.js';

/** The text of a tool's answer (every tool answers with one text block). */
export function textOf(result: unknown): string {
  const { content } = result as CallToolResult;
  return content.map((block) => (block.type === 'text' ? block.text : '')).join('\n');
}

/** For a test file: MCP clients closed after each test. */
export function useMcpClients() {
  const clients: Client[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close().catch(() => undefined)));
  });
  return {
    /** The SDK's client on the sidecar's `/mcp`, with the test token. */
    async overHttp(sidecar: Sidecar, token = TEST_TOKEN): Promise<Client> {
      const transport = new StreamableHTTPClientTransport(new URL(`${sidecar.url}/mcp`), {
        requestInit: { headers: { Authorization: `Bearer ${token}` } },
      });
      const client = new Client({ name: 'sidecar-test', version: '1.0.0' });
      clients.push(client);
      await client.connect(transport);
      return client;
    },
    track(client: Client): Client {
      clients.push(client);
      return client;
    },
  };
}
