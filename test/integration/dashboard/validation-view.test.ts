/**
 * The validation view against the real validation source, configured through the sidecar's
 * `validation` option with small node scripts as checks: one that reports problems in the
 * generic `file:line:col: severity: message` format, one that runs until the test lets it
 * finish, one that never ends (and times out), and one whose command does not exist.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempWorkspaces } from '../../sources/diagnostics/harness.js';
import { useTestSidecars } from '../../support/server.js';
import { useDashboard } from './browser.js';

// Declared in this order so that, after each test, pages close, then sidecars, then roots go.
const workspace = useTempWorkspaces();
const start = useTestSidecars();
const open = useDashboard();

/** Reports each TODO (a warning) and FIXME (an error) in the root's .txt files. */
const CHECK = `import { readdirSync, readFileSync } from 'node:fs';
let errors = 0;
for (const file of readdirSync('.').filter((name) => name.endsWith('.txt')).sort()) {
  readFileSync(file, 'utf8').split('\\n').forEach((text, index) => {
    for (const [word, severity] of [['TODO', 'warning'], ['FIXME', 'error']]) {
      const column = text.indexOf(word);
      if (column < 0) continue;
      if (severity === 'error') errors++;
      console.log(\`\${file}:\${index + 1}:\${column + 1}: \${severity}: \${text.slice(column)}\`);
    }
  });
}
process.exitCode = errors > 0 ? 1 : 0;
`;

/** Runs until a file named gate.open exists. */
const GATE = `import { existsSync } from 'node:fs';
const timer = setInterval(() => existsSync('gate.open') && clearInterval(timer), 20);
`;

const node = process.execPath;

describe('the validation view, fed by the real validation source', () => {
  it('shows each check: problems, running, timed out, unavailable; runs one on request and follows a fix', async () => {
    const root = await workspace(
      {
        'check.mjs': CHECK,
        'gate.mjs': GATE,
        'notes.txt': 'Shopping list\n  TODO: milk\nFIXME the bread is stale\n',
      },
      'sidecar-dashboard-validation-',
    );
    const sidecar = await start({
      root,
      sources: undefined, // the default sources, with the validation option below
      validation: {
        maxConcurrent: 4,
        validators: [
          { name: 'todo', command: node, args: ['check.mjs'], triggers: ['*.txt'], debounceMs: 0 },
          { name: 'gate', command: node, args: ['gate.mjs'], triggers: [] },
          {
            name: 'stuck',
            command: node,
            args: ['-e', 'setInterval(() => {}, 1e6)'],
            triggers: [],
            timeoutMs: 300,
          },
          { name: 'ghost', command: 'sidecar-no-such-checker' },
        ],
      },
    });
    const { page, problems } = await open(sidecar, { hash: '#validation' });
    const card = (tool: string) => page.locator(`#validation-tools [data-tool="${tool}"]`);

    // The run at start found one error and one warning, 1-based as the tool printed them.
    const todo = card('todo');
    await todo.locator('.tool-state', { hasText: 'exit 1 · 2 problems' }).waitFor();
    expect(await todo.locator('.col-position').allTextContents()).toEqual([
      'notes.txt:2:3',
      'notes.txt:3:1',
    ]);
    await todo.locator('.badges', { hasText: '1 error' }).waitFor();
    // A check whose command is missing says why, and offers no Run button.
    const ghost = card('ghost');
    await ghost.locator('.tool-state', { hasText: 'unavailable' }).waitFor();
    await ghost
      .locator('.tool-error', { hasText: 'sidecar-no-such-checker was found neither' })
      .waitFor();
    expect(await ghost.getByRole('button').count()).toBe(0);
    await page
      .locator('#panel-validation .notice', { hasText: 'validation:ghost is unavailable' })
      .waitFor();
    // A run killed at its timeout is a result without a verdict; the reason is shown.
    const stuck = card('stuck');
    await stuck.locator('.tool-state', { hasText: 'timed out' }).waitFor();
    await stuck.locator('.tool-error', { hasText: 'timed out after 300 ms' }).waitFor();
    expect(await stuck.getAttribute('data-state')).toBe('failed');

    // The gate check still runs from the start (this page learnt that from the snapshot or
    // from `started`). Run it again from the page: the stale run is cancelled, which is no
    // result, and the new one runs until the gate opens.
    const gate = card('gate');
    await gate.locator('.tool-state', { hasText: /^running/ }).waitFor();
    await page.getByRole('button', { name: 'Run gate' }).click();
    await gate.locator('.tool-state', { hasText: /^running \(request\) since/ }).waitFor();
    expect(await gate.getAttribute('data-state')).toBe('running');
    await writeFile(join(root, 'gate.open'), '');
    await gate.locator('.tool-state', { hasText: /^ok · / }).waitFor();

    // Fixing the error on disk triggers a run; a warning alone does not fail it.
    await writeFile(join(root, 'notes.txt'), 'Shopping list\n  TODO: milk\n');
    await todo.locator('.tool-state', { hasText: /^ok · / }).waitFor();
    expect(await todo.locator('.col-position').allTextContents()).toEqual(['notes.txt:2:3']);
    await todo.locator('.badges', { hasText: '1 warning' }).waitFor();
    await page.locator('#tab-validation .badge', { hasText: '1' }).waitFor();

    // A page opened now gets the same state from the snapshot.
    const later = await open(sidecar, { hash: '#validation' });
    const laterTodo = later.page.locator('#validation-tools [data-tool="todo"]');
    await laterTodo.locator('.tool-state', { hasText: /^ok · / }).waitFor();
    await later.page
      .locator('#validation-tools [data-tool="ghost"] .tool-state', { hasText: 'unavailable' })
      .waitFor();
    expect([...problems, ...later.problems]).toEqual([]);
  }, 120_000);
});
