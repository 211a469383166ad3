/**
 * `sidecar mcp` as agents launch it: the built CLI spawned by the SDK's stdio client in a temp
 * workspace. It starts a sidecar of its own when none runs (and stops it when the agent
 * leaves), or uses the one the discovery file names.
 */
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { describe, expect, it } from 'vitest';
import { discoveryFile } from '../../../src/server/discovery.js';
import { useCli } from '../../support/cli.js';
import { textOf, useMcpClients } from '../../support/mcp.js';
import { waitFor } from '../../support/server.js';

const BIN = fileURLToPath(new URL('../../../bin/sidecar.js', import.meta.url));
const cli = useCli();
const mcp = useMcpClients();

/** Starts `sidecar mcp` in `root` the way an agent's config line does. */
async function launch(root: string, runtimeDir: string) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp'],
    cwd: root,
    env: { ...process.env, XDG_RUNTIME_DIR: runtimeDir, SIDECAR_PORT: '0' } as Record<
      string,
      string
    >,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const client = mcp.track(new Client({ name: 'agent', version: '1.0.0' }));
  await client.connect(transport);
  return { client, transport, stderr: () => stderr };
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe('sidecar mcp on stdio', () => {
  it('starts a sidecar for the folder when none runs, serves the tools, and stops it when the agent leaves', async () => {
    const root = await cli.tempDir('sidecar-mcp-stdio-');
    const runtimeDir = await cli.tempDir('sidecar-runtime-');
    await writeFile(join(root, 'notes.md'), 'find the needle here\n');
    const { client, transport, stderr } = await launch(root, runtimeDir);

    expect(stderr()).toMatch(/started a sidecar for .* at http:\/\/127\.0\.0\.1:\d+/);
    const discovery = discoveryFile(root, join(runtimeDir, 'sidecar'));
    expect(await exists(discovery)).toBe(true);

    const found = textOf(await client.callTool({ name: 'search', arguments: { query: 'needle' } }));
    expect(found).toMatch(/^1 matching line in 1 file/);
    expect(found).toContain('notes.md:1:10: find the needle here');

    const point = /Next point: (\S+)/.exec(
      textOf(await client.callTool({ name: 'changes_since', arguments: {} })),
    )![1]!;
    await writeFile(join(root, 'new.md'), 'new\n');
    await waitFor(
      async () =>
        textOf(
          await client.callTool({ name: 'changes_since', arguments: { since: point } }),
        ).includes('added   new.md'),
      { message: 'new.md in changes_since' },
    );

    const bad = await client.callTool({ name: 'search', arguments: { query: '(', regex: true } });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toMatch(/^INVALID_PARAMS: .*invalid regex/);

    const pid = transport.pid!;
    await client.close();
    await waitFor(() => !isAlive(pid), { message: 'sidecar mcp to exit' });
    expect(await exists(discovery)).toBe(false);
  });

  it('wait_for_diagnostics shows a type error written to a file, then its fix', async () => {
    const root = await cli.tempDir('sidecar-mcp-ts-');
    const runtimeDir = await cli.tempDir('sidecar-runtime-');
    await mkdir(join(root, 'src'));
    await writeFile(
      join(root, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext', noEmit: true },
        include: ['src'],
      }),
    );
    await writeFile(join(root, 'src', 'model.ts'), 'export interface User {\n  age: number;\n}\n');
    // Wrong from the start: once it is reported, the language server has loaded the project.
    await writeFile(join(root, 'src', 'seeded.ts'), "export const seeded: number = 'no';\n");
    // No checks: the language server's answer is the one asked about.
    await writeFile(join(root, 'sidecar.config.json'), JSON.stringify({ validation: [] }));
    const { client } = await launch(root, runtimeDir);
    const ask = async (name: string, args: Record<string, unknown>) =>
      textOf(await client.callTool({ name, arguments: args }, undefined, { timeout: 60_000 }));
    await waitFor(
      async () => (await ask('diagnostics', {})).includes('src/seeded.ts:1:14: error TS2322'),
      { timeoutMs: 120_000, message: 'the language server to load the project' },
    );

    await writeFile(
      join(root, 'src', 'view.ts'),
      "import type { User } from './model.js';\n\nexport const bob: User = { age: 1 };\nexport const count: number = 'three';\n",
    );
    const broken = await ask('wait_for_diagnostics', { files: ['src/view.ts'] });
    expect(broken).toMatch(/^Settled/);
    expect(broken).toContain('In 1 file asked about:');
    expect(broken).toMatch(
      /^src\/view\.ts:4:14: error TS2322: Type 'string' is not assignable to type 'number'\. \[typescript\]$/m,
    );

    await writeFile(
      join(root, 'src', 'view.ts'),
      "import type { User } from './model.js';\n\nexport const bob: User = { age: 1 };\nexport const count: number = 3;\n",
    );
    const fixed = await ask('wait_for_diagnostics', { files: ['src/view.ts'] });
    expect(fixed).toMatch(/^Settled/);
    expect(fixed).toContain('No problems.');
    expect(fixed).toMatch(
      /^Fixed since last looked \(1\):\n- src\/view\.ts: Type 'string' is not assignable/m,
    );
  }, 180_000);

  it('uses the sidecar already running for the folder', async () => {
    const served = await cli.serve(['--port', '0', '--log-level', 'warn']);
    const { client, stderr } = await launch(served.root, served.runtimeDir);
    expect(stderr()).toContain(`using the sidecar at ${served.wsUrl}`);
    const info = await client.readResource({ uri: 'sidecar://system' });
    expect((info.contents[0] as { text: string }).text).toContain(`root ${served.root}`);

    const point = /Next point: (\S+)/.exec(
      textOf(await client.callTool({ name: 'changes_since', arguments: {} })),
    )![1]!;
    await writeFile(join(served.root, 'seen.txt'), 'a needle\n');
    await waitFor(
      async () =>
        textOf(
          await client.callTool({ name: 'changes_since', arguments: { since: point } }),
        ).includes('added   seen.txt'),
      { message: 'seen.txt in changes_since' },
    );
    const found = textOf(await client.callTool({ name: 'search', arguments: { query: 'needle' } }));
    expect(found).toContain('seen.txt:1:3: a needle');
    await client.close();
    // The served sidecar was not ours to stop.
    expect(served.child.exitCode).toBe(null);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
