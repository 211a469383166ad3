import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  findExecutable,
  guessLanguageId,
  resolveLanguageServers,
} from '../../../src/sources/diagnostics/server-registry.js';
import { useTempWorkspaces } from './harness.js';

const workspace = useTempWorkspaces();

describe('the server registry', () => {
  it('runs nothing in a workspace without tsconfig/jsconfig and no configured servers', async () => {
    const root = await workspace({ 'a.ts': '' });
    expect(resolveLanguageServers(root, [])).toEqual({ servers: [], unavailable: [] });
  });

  it('runs the built-in TypeScript server with this Node, on sidecar’s TypeScript by default', async () => {
    const root = await workspace({ 'tsconfig.json': '{}' });
    const [server] = resolveLanguageServers(root, []).servers;
    expect(server).toMatchObject({ name: 'typescript', command: process.execPath });
    expect(server!.args[0]).toMatch(/typescript-language-server[\\/]lib[\\/]cli\.mjs$/);
    expect(server!.args[1]).toBe('--stdio');
    expect(server!.extensions).toEqual(['.ts', '.tsx', '.mts', '.cts']);
    const { tsserver } = server!.initializationOptions as { tsserver: { path: string } };
    expect(tsserver.path).toMatch(/node_modules[\\/]typescript[\\/]lib$/);
    expect(tsserver.path.startsWith(root)).toBe(false);
    expect(server!.languageIdOf('src/App.tsx')).toBe('typescriptreact');
  });

  it("uses the workspace's own TypeScript when installed, and checks JS for a jsconfig", async () => {
    const root = await workspace({
      'jsconfig.json': '{}',
      'node_modules/typescript/lib/tsserver.js': '',
    });
    const [server] = resolveLanguageServers(root, []).servers;
    expect(server!.extensions).toContain('.js');
    const { tsserver } = server!.initializationOptions as { tsserver: { path: string } };
    expect(tsserver.path).toBe(join(root, 'node_modules', 'typescript', 'lib'));
    const withAllowJs = await workspace({
      'tsconfig.json': '{ "compilerOptions": { "allowJs": true } }',
    });
    expect(resolveLanguageServers(withAllowJs, []).servers[0]!.extensions).toContain('.mjs');
  });

  it('adds configured servers, and reports those whose command is missing', async () => {
    const root = await workspace({ 'tsconfig.json': '{}', 'bin/my-ls': '#!/bin/sh\n' });
    await chmod(join(root, 'bin', 'my-ls'), 0o755);
    const { servers, unavailable } = resolveLanguageServers(root, [
      {
        name: 'mine',
        command: './bin/my-ls',
        args: ['--stdio'],
        extensions: ['.PY'],
        settings: { a: 1 },
      },
      { name: 'gone', command: 'surely-not-installed-ls', extensions: ['.rs'] },
      { name: 'typo', command: './bin/nope', extensions: ['.go'], languageId: 'golang' },
    ]);
    expect(servers.map((s) => s.name)).toEqual(['typescript', 'mine']);
    expect(servers[1]).toMatchObject({
      command: join(root, 'bin', 'my-ls'),
      args: ['--stdio'],
      extensions: ['.py'],
      settings: { a: 1 },
    });
    expect(servers[1]!.languageIdOf('x.py')).toBe('python');
    expect(unavailable).toEqual([
      {
        name: 'gone',
        reason:
          'command "surely-not-installed-ls" was not found on PATH; install it or give its full path',
      },
      { name: 'typo', reason: 'command "./bin/nope" is not an executable file' },
    ]);
  });

  it('lets a configured "typescript" server replace the built-in one', async () => {
    const root = await workspace({ 'tsconfig.json': '{}' });
    const { servers } = resolveLanguageServers(root, [
      { name: 'typescript', command: process.execPath, args: ['my-ts.js'], extensions: ['.ts'] },
    ]);
    expect(servers).toHaveLength(1);
    expect(servers[0]!.args).toEqual(['my-ts.js']);
  });

  it('finds executables on PATH only when they are executable files', async () => {
    const root = await workspace({ 'bin/tool': '', 'bin/dir/x': '' });
    const env = { PATH: join(root, 'bin') };
    expect(findExecutable('tool', root, env)).toMatchObject({ reason: expect.any(String) });
    await chmod(join(root, 'bin', 'tool'), 0o755);
    expect(findExecutable('tool', root, env)).toBe(join(root, 'bin', 'tool'));
    expect(findExecutable('dir', root, env)).toMatchObject({ reason: expect.any(String) });
    expect(findExecutable(process.execPath, root, {})).toBe(process.execPath);
  });

  it('guesses language ids from file endings', () => {
    expect(['a.py', 'b.rs', 'C.GO', 'd.vue', 'e.mts'].map(guessLanguageId)).toEqual([
      'python',
      'rust',
      'go',
      'vue',
      'typescript',
    ]);
  });
});
