/**
 * MCP over Streamable HTTP at `/mcp` on a real sidecar (port 0), driven by the SDK's own client:
 * the gate, errors that stay errors, changes across a restart, a validation run with progress,
 * and resource updates.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFilesSource } from '../../../src/sources/files/index.js';
import {
  createValidationSource,
  resolveValidationOptions,
} from '../../../src/sources/validation/index.js';
import { textOf, useMcpClients } from '../../support/mcp.js';
import { makeTempDir, TEST_TOKEN, useTestSidecars, waitFor } from '../../support/server.js';

const start = useTestSidecars();
const mcp = useMcpClients();

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'raw', version: '1' },
  },
};

function post(url: string, headers: Record<string, string>) {
  return fetch(`${url}/mcp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: JSON.stringify(INITIALIZE),
  });
}

describe('MCP over HTTP at /mcp', () => {
  it('is behind the same gate as the WebSocket: token, then Origin', async () => {
    const sidecar = await start();
    const noToken = await post(sidecar.url, {});
    expect(noToken.status).toBe(401);
    expect((await noToken.json()).error.code).toBe('UNAUTHORIZED');

    const wrongToken = await post(sidecar.url, { authorization: 'Bearer not-the-token' });
    expect(wrongToken.status).toBe(401);

    const foreign = await post(sidecar.url, {
      authorization: `Bearer ${TEST_TOKEN}`,
      origin: 'https://evil.example',
    });
    expect(foreign.status).toBe(403);
    expect((await foreign.json()).error.code).toBe('FORBIDDEN');

    const allowed = await post(sidecar.url, { authorization: `Bearer ${TEST_TOKEN}` });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('mcp-session-id')).toBeTruthy();
    await allowed.body?.cancel();
  });

  it('answers a CORS preflight from an allowed origin and lets it read the session header', async () => {
    const inspector = 'http://localhost:6274';
    const sidecar = await start({ allowOrigins: [inspector] });
    const preflight = await fetch(`${sidecar.url}/mcp`, {
      method: 'OPTIONS',
      headers: {
        origin: inspector,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, mcp-session-id',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(inspector);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('mcp-session-id');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('DELETE');

    const foreign = await fetch(`${sidecar.url}/mcp`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();

    const allowed = await post(sidecar.url, {
      authorization: `Bearer ${TEST_TOKEN}`,
      origin: inspector,
    });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-expose-headers')).toContain('mcp-session-id');
    await allowed.body?.cancel();
  });

  it('lists the tools and answers bad arguments with MCP errors, then keeps serving', async () => {
    const sidecar = await start();
    const client = await mcp.overHttp(sidecar);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'changes_since',
      'diagnostics',
      'git_diff',
      'git_log',
      'git_status',
      'search',
      'validation_run',
      'wait_for_diagnostics',
    ]);
    const search = tools.find((t) => t.name === 'search')!;
    expect(search.inputSchema.required).toEqual(['query']);

    const wrongType = await client.callTool({ name: 'diagnostics', arguments: { limit: 'ten' } });
    expect(wrongType.isError).toBe(true);
    expect(textOf(wrongType)).toMatch(/limit/);

    const missing = await client.callTool({ name: 'search', arguments: {} });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/query/);

    const badPoint = await client.callTool({
      name: 'changes_since',
      arguments: { since: 'yesterday' },
    });
    expect(badPoint.isError).toBe(true);
    expect(textOf(badPoint)).toMatch(/^INVALID_PARAMS: "since" must be a point/);

    // A source that is not running answers with its protocol error, as a tool error.
    const noGit = await client.callTool({ name: 'git_status', arguments: {} });
    expect(noGit.isError).toBe(true);
    expect(textOf(noGit)).toMatch(/^UNKNOWN_METHOD: /);

    const unknown = await client.callTool({ name: 'no_such_tool', arguments: {} });
    expect(unknown.isError).toBe(true);

    expect(textOf(await client.callTool({ name: 'changes_since', arguments: {} }))).toMatch(
      /^Next point: [\w-]+:\d+/,
    );
  });

  it('changes_since lists exactly the files written after the point, and says so when the sidecar restarted', async () => {
    const root = await makeTempDir('sidecar-mcp-changes-');
    try {
      await writeFile(join(root, 'before.txt'), 'old');
      const first = await start({ root, sources: [createFilesSource()] });
      const client = await mcp.overHttp(first);
      // A write the watcher reports before the point is taken must not show after it. The
      // first point comes before the write, so the write is surely seen after it.
      const origin = textOf(await client.callTool({ name: 'changes_since', arguments: {} }));
      const start0 = /Next point: (\S+)/.exec(origin)![1]!;
      await writeFile(join(root, 'early.txt'), 'early');
      await waitFor(
        async () =>
          textOf(
            await client.callTool({ name: 'changes_since', arguments: { since: start0 } }),
          ).includes('early.txt'),
        { message: 'the early write to be seen' },
      );
      // The first event of a write goes out at once; the rest of that write may follow within the
      // coalescing window. Take the point once the early write has gone quiet.
      const point = await waitFor(
        async () => {
          const candidate = /Next point: (\S+)/.exec(
            textOf(await client.callTool({ name: 'changes_since', arguments: {} })),
          )![1]!;
          await new Promise((resolve) => setTimeout(resolve, 300));
          const later = textOf(
            await client.callTool({ name: 'changes_since', arguments: { since: candidate } }),
          );
          return later.includes('early.txt') ? undefined : candidate;
        },
        { message: 'the early write to go quiet' },
      );

      await mkdir(join(root, 'src'));
      await writeFile(join(root, 'src', 'a.ts'), 'export const a = 1;\n');
      await writeFile(join(root, 'b.md'), '# b\n');
      const since = async () =>
        textOf(await client.callTool({ name: 'changes_since', arguments: { since: point } }));
      const answer = await waitFor(
        async () => {
          const text = await since();
          return text.includes('src/a.ts') && text.includes('b.md') ? text : undefined;
        },
        { message: 'both writes in changes_since' },
      );
      const listed = (text: string) =>
        [...text.matchAll(/^ {2}(added|changed|deleted)\s+(\S+)$/gm)].map((m) => m[2]!).sort();
      expect(listed(answer!).filter((path) => !path.endsWith('/'))).toEqual(['b.md', 'src/a.ts']);
      expect(answer).not.toMatch(/restarted/);

      await first.close();
      const second = await start({ root, sources: [createFilesSource()] });
      const again = await mcp.overHttp(second);
      await writeFile(join(root, 'after-restart.txt'), 'new');
      const restarted = await waitFor(
        async () => {
          const text = textOf(
            await again.callTool({ name: 'changes_since', arguments: { since: point } }),
          );
          return text.includes('after-restart.txt') ? text : undefined;
        },
        { message: 'the write after the restart' },
      );
      expect(restarted).toMatch(/^The sidecar restarted since that point/);
      expect(listed(restarted!)).toEqual(['after-restart.txt']);
      expect(restarted).toMatch(new RegExp(`Next point: ${second.epoch}:\\d+`));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('validation_run runs the configured check, reports progress and returns its problems', async () => {
    const root = await makeTempDir('sidecar-mcp-validation-');
    try {
      await writeFile(
        join(root, 'check.mjs'),
        "console.log('notes.txt:2:3: error: FIXME left'); console.log('notes.txt:5:1: warning: TODO left'); process.exit(1);\n",
      );
      const sidecar = await start({
        root,
        sources: [
          createValidationSource(
            resolveValidationOptions([
              { name: 'todo', command: process.execPath, args: ['check.mjs'], triggers: [] },
            ]),
          ),
        ],
      });
      const client = await mcp.overHttp(sidecar);
      const progress: { progress: number; total?: number; message?: string }[] = [];
      const result = await client.callTool(
        { name: 'validation_run', arguments: { tool: 'todo' } },
        undefined,
        { onprogress: (p) => progress.push(p) },
      );
      expect(result.isError).toBeFalsy();
      const text = textOf(result);
      expect(text).toMatch(/^todo: failed, 2 problems \(\d+\.\d s, exit 1\)$/m);
      expect(text).toContain('  notes.txt:2:3: error: FIXME left');
      expect(text).toContain('  notes.txt:5:1: warning: TODO left');
      expect(progress.at(-1)).toMatchObject({ progress: 1, total: 1 });

      const unknown = await client.callTool({
        name: 'validation_run',
        arguments: { tool: 'nope' },
      });
      expect(unknown.isError).toBe(true);
      expect(textOf(unknown)).toMatch(/^INVALID_PARAMS: .*no validator is named "nope"/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('notifies a subscribed resource when its channel changes', async () => {
    const root = await makeTempDir('sidecar-mcp-resources-');
    try {
      await writeFile(join(root, 'check.mjs'), 'process.exit(0);\n');
      const sidecar = await start({
        root,
        sources: [
          createValidationSource(
            resolveValidationOptions([
              { name: 'ok', command: process.execPath, args: ['check.mjs'], triggers: [] },
            ]),
          ),
        ],
      });
      const client = await mcp.overHttp(sidecar);
      const { resources } = await client.listResources();
      expect(resources.map((r) => r.uri)).toEqual([
        'sidecar://diagnostics',
        'sidecar://git',
        'sidecar://validation',
        'sidecar://system',
      ]);
      const updated: string[] = [];
      const { ResourceUpdatedNotificationSchema } = await import(
        '@modelcontextprotocol/sdk/types.js'
      );
      client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
        updated.push(n.params.uri);
      });
      await client.subscribeResource({ uri: 'sidecar://validation' });
      await client.callTool({ name: 'validation_run', arguments: {} });
      await waitFor(() => updated.includes('sidecar://validation'), {
        message: 'resources/updated for sidecar://validation',
      });
      const { contents } = await client.readResource({ uri: 'sidecar://validation' });
      expect(contents[0]).toMatchObject({ mimeType: 'text/plain' });
      expect((contents[0] as { text: string }).text).toMatch(/^ok: passed, 0 problems/m);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
