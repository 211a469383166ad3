/**
 * The diagnostics view against the real diagnostics source: typescript-language-server (and
 * tsserver) on a real TypeScript workspace. tsserver is slow to start on a shared machine, so
 * one sidecar serves the whole sequence, with generous waits.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDiagnosticsSource } from '../../../src/sources/diagnostics/index.js';
import { createFilesSource } from '../../../src/sources/files/index.js';
import { useTempWorkspaces } from '../../sources/diagnostics/harness.js';
import { useTestSidecars } from '../../support/server.js';
import { linkProjectPackage } from '../../support/workspace-tools.js';
import { openTab, useDashboard } from './browser.js';

// Declared in this order so that, after each test, pages close, then sidecars, then roots go.
const workspace = useTempWorkspaces();
const start = useTestSidecars();
const open = useDashboard();

/** tsserver can take this long to load a project while other tests run beside it. */
const SLOW = { timeout: 90_000 };

const MODEL = 'export interface User {\n  name: string;\n  age: number;\n}\n';
const VIEW = `import type { User } from './model.js';

export const alice: User = { name: 'Alice', age: 42 };
export const count: number = 'three';
`;

describe('the diagnostics view, fed by typescript-language-server', () => {
  it('groups real type errors by file, follows fixes and breakages, and a later page gets them from the snapshot', async () => {
    const root = await workspace(
      {
        'tsconfig.json': JSON.stringify({
          compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext', noEmit: true },
          include: ['src'],
        }),
        'src/model.ts': MODEL,
        'src/view.ts': VIEW,
      },
      'sidecar-dashboard-ts-',
    );
    // The workspace's own TypeScript, as in a real project (this project's, linked).
    await linkProjectPackage(root, 'typescript');
    const sidecar = await start({
      root,
      sources: [createFilesSource(), createDiagnosticsSource()],
    });
    const { page, problems } = await open(sidecar);
    await page
      .locator('#sources li[data-state="running"]', { hasText: 'diagnostics:typescript' })
      .waitFor(SLOW);
    // The tab says there is an error before the view is opened.
    await page.locator('#tab-diagnostics .badge', { hasText: '1' }).waitFor(SLOW);
    await openTab(page, 'Diagnostics');
    const view = page.locator('#diagnostics-files [data-file="src/view.ts"]');
    await view.locator('summary', { hasText: '1 error' }).waitFor();
    await page
      .locator('#diagnostics-summary', { hasText: '1 file with problems: 1 error' })
      .waitFor();
    // LSP lines and characters are 0-based; people read them 1-based.
    const typeError = view.locator('tr', {
      hasText: "Type 'string' is not assignable to type 'number'.",
    });
    expect(await typeError.locator('.col-position').textContent()).toBe('4:14');
    expect(await typeError.locator('.col-origin').textContent()).toBe('typescript(2322)');

    // Fixed on disk: the file leaves the view.
    await writeFile(join(root, 'src/view.ts'), VIEW.replace(`'three'`, '3'));
    await page.locator('#diagnostics-summary', { hasText: 'No problems reported.' }).waitFor(SLOW);
    expect(await view.count()).toBe(0);
    expect(await page.locator('#tab-diagnostics .badge').isHidden()).toBe(true);

    // A change in one file breaks another: the importer shows up.
    await writeFile(join(root, 'src/model.ts'), MODEL.replace('age: number', 'age: string'));
    await view
      .locator('tr', { hasText: "Type 'number' is not assignable to type 'string'." })
      .waitFor(SLOW);

    // A page opened now gets the same state from the channel's snapshot.
    const later = await open(sidecar, { hash: '#diagnostics' });
    await later.page
      .locator('#diagnostics-files [data-file="src/view.ts"] tr', {
        hasText: "Type 'number' is not assignable to type 'string'.",
      })
      .waitFor();
    expect([...problems, ...later.problems]).toEqual([]);
  }, 240_000);
});
