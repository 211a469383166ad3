/**
 * The built extension (extensions/vscode/out/extension.cjs, from `npm run build`) loaded as VS
 * Code loads it, with a stand-in `vscode` module, against a real sidecar found through a real
 * discovery file: the glue's wiring, which the core's tests do not cover.
 */
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { type Sidecar, startSidecar } from '../../../src/app/sidecar.js';
import { connect, type SidecarClient } from '../../../src/client/index.js';
import type { EditorState } from '../../../src/protocol/index.js';
import { makeTempDir, TEST_TOKEN, waitFor } from '../../support/server.js';
import { installFakeVscode } from './fake-vscode.js';

const BUNDLE = fileURLToPath(
  new URL('../../../extensions/vscode/out/extension.cjs', import.meta.url),
);

interface ExtensionModule {
  activate(context: { subscriptions: { dispose(): void }[] }): Promise<void>;
  deactivate(): Promise<void>;
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('finds the sidecar, shows it in the status bar, opens files and publishes the editor', async () => {
  const runtimeDir = await makeTempDir('sidecar-vscode-runtime-');
  const root = await makeTempDir('sidecar-vscode-folder-');
  const extensionDir = await makeTempDir('sidecar-vscode-extension-');
  cleanups.push(() =>
    Promise.all(
      [runtimeDir, root, extensionDir].map((dir) => rm(dir, { recursive: true, force: true })),
    ),
  );
  await mkdir(join(root, 'src'));
  await writeFile(join(root, 'src', 'app.ts'), 'export {};\n');
  // The extension reads the per-user discovery folder, as `sidecar serve` writes it.
  const xdgBefore = process.env.XDG_RUNTIME_DIR;
  process.env.XDG_RUNTIME_DIR = runtimeDir;
  cleanups.push(async () => {
    if (xdgBefore === undefined) delete process.env.XDG_RUNTIME_DIR;
    else process.env.XDG_RUNTIME_DIR = xdgBefore;
  });

  const sidecar: Sidecar = await startSidecar({
    root,
    port: 0,
    token: TEST_TOKEN,
    logLevel: 'silent',
    sources: [],
    discovery: true,
  });
  cleanups.push(() => sidecar.close('test done'));

  const vscode = await installFakeVscode(extensionDir, root);
  await copyFile(BUNDLE, join(extensionDir, 'extension.cjs'));
  const extension = createRequire(join(extensionDir, 'extension.cjs'))(
    './extension.cjs',
  ) as ExtensionModule;
  const subscriptions: { dispose(): void }[] = [];
  await extension.activate({ subscriptions });
  cleanups.push(() => extension.deactivate());

  await waitFor(() => vscode.statusBar.command === 'sidecar.openDashboard', {
    message: 'connected',
  });
  expect(vscode.statusBar.text).toContain('Sidecar');

  const other: SidecarClient = connect({ url: sidecar.wsUrl, token: TEST_TOKEN, reconnect: false });
  cleanups.push(() => other.close());
  await waitFor(
    async () => {
      const info = (await other.request('server.info')) as { providers?: { method: string }[] };
      return info.providers?.some((provider) => provider.method === 'editor.open');
    },
    { message: 'editor.open to be provided' },
  );
  await other.request('editor.open', { file: 'src/app.ts', line: 4, column: 2 });
  expect(vscode.shown).toEqual([{ path: join(root, 'src', 'app.ts'), line: 3, character: 1 }]);

  const states: EditorState[] = [];
  other.subscribe('editor', (message) => {
    if (message.type === 'snapshot' || message.type === 'event') {
      states.push(message.data as EditorState);
    }
  });
  vscode.setActiveEditor(join(root, 'src', 'app.ts'), 0, 7);
  vscode.fire('window.onDidChangeActiveTextEditor');
  const state = await waitFor(() => states.find((state) => state.activeFile), {
    message: 'the editor state',
  });
  expect(state).toMatchObject({
    provider: { name: 'VS Code' },
    activeFile: 'src/app.ts',
    selection: { start: { line: 0, character: 7 } },
    openFiles: [{ file: 'src/app.ts', dirty: true, languageId: 'typescript' }],
  });
});
