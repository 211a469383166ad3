/**
 * The sidecar's MCP server: the tools and resources over a backend (in-process or a client
 * connection), for one MCP session. Transports are the caller's: stdio (`sidecar mcp`) or
 * Streamable HTTP (`/mcp` on the sidecar's port).
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { VERSION } from '../core/version.js';
import type { SidecarBackend } from './backend.js';
import { registerResources } from './resources.js';
import { registerChangesTools } from './tools/changes.js';
import { registerDiagnosticsTools } from './tools/diagnostics.js';
import { registerGitTools } from './tools/git.js';
import { registerSearchTools } from './tools/search.js';
import { registerValidationTools } from './tools/validation.js';

const INSTRUCTIONS = `This server knows the live state of one workspace: its language servers' problems, its checks, git and a fast search.
After editing files, call wait_for_diagnostics with the files you changed: it waits until the type checker has seen your edit and returns the problems, marking new ones.
Use validation_run for the project's checks (tsc, eslint, tests), search instead of grep, git_status/git_diff/git_log for git.
Call changes_since once to get a point, and again later with it to learn which files changed meanwhile (including edits a human made).
Locations are file:line:col, 1-based, relative to the workspace root.`;

export interface SidecarMcpServer {
  readonly mcp: McpServer;
  /** Stops the session's resource subscriptions and closes its transport. */
  close(): Promise<void>;
}

export function createSidecarMcpServer(backend: SidecarBackend): SidecarMcpServer {
  const mcp = new McpServer(
    { name: 'sidecar', version: VERSION },
    {
      capabilities: { resources: { subscribe: true, listChanged: true } },
      instructions: INSTRUCTIONS,
    },
  );
  registerDiagnosticsTools(mcp, backend);
  registerValidationTools(mcp, backend);
  registerSearchTools(mcp, backend);
  registerGitTools(mcp, backend);
  registerChangesTools(mcp, backend);
  const stopResources = registerResources(mcp, backend);
  return {
    mcp,
    async close() {
      stopResources();
      await mcp.close();
    },
  };
}
