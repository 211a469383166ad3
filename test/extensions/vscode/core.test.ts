/** The VS Code extension core's pure parts: paths, conversions, what changed, the status bar. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createDiagnosticsTracker,
  toProtocolDiagnostic,
} from '../../../extensions/vscode/src/core/diagnostics.js';
import { toEditorState } from '../../../extensions/vscode/src/core/editor-state.js';
import { fromRootRelative, toRootRelative } from '../../../extensions/vscode/src/core/paths.js';
import { startCommand } from '../../../extensions/vscode/src/core/start-command.js';
import { describeStatus } from '../../../extensions/vscode/src/core/status.js';

const root = join('/', 'work', 'app');
const range = { start: { line: 1, character: 2 }, end: { line: 1, character: 5 } };

describe('paths', () => {
  it('keeps files under the root, root-relative with /', () => {
    expect(toRootRelative(root, join(root, 'src', 'a.ts'))).toBe('src/a.ts');
    expect(toRootRelative(root, join(root, '..', 'other', 'a.ts'))).toBeNull();
    expect(toRootRelative(root, join(root, '..', 'app2', 'a.ts'))).toBeNull();
    expect(toRootRelative(root, root)).toBeNull();
    expect(fromRootRelative(root, 'src/a.ts')).toBe(join(root, 'src', 'a.ts'));
    expect(fromRootRelative(root, '../secret')).toBeNull();
  });
});

describe('diagnostics', () => {
  it("converts VS Code's severities and codes to the protocol's", () => {
    expect(
      [0, 1, 2, 3].map((severity) => toProtocolDiagnostic({ range, severity, message: 'm' })),
    ).toEqual(
      ['error', 'warning', 'info', 'hint'].map((severity) => ({ range, severity, message: 'm' })),
    );
    expect(
      toProtocolDiagnostic({
        range,
        severity: 0,
        message: 'm',
        code: { value: 'no-x' },
        source: 'eslint',
      }),
    ).toEqual({ range, severity: 'error', message: 'm', code: 'no-x', source: 'eslint' });
  });

  it('reports only changed files under the root, and what clears them', () => {
    const tracker = createDiagnosticsTracker(root);
    const a = join(root, 'a.ts');
    const problem = { range, severity: 1, message: 'w' };
    expect(
      tracker.update([
        { path: a, diagnostics: [problem] },
        { path: join(root, 'b.ts'), diagnostics: [] },
        { path: join(root, '..', 'c.ts'), diagnostics: [problem] },
      ]),
    ).toEqual([{ file: 'a.ts', diagnostics: [toProtocolDiagnostic(problem)] }]);
    expect(tracker.update([{ path: a, diagnostics: [problem] }])).toEqual([]);
    expect(tracker.cleared()).toEqual([{ file: 'a.ts', diagnostics: [] }]);
    expect(tracker.update([{ path: a, diagnostics: [] }])).toEqual([
      { file: 'a.ts', diagnostics: [] },
    ]);
    expect(tracker.current()).toEqual([]);
  });
});

describe('editor state', () => {
  it('lists open files under the root once; no selection outside it', () => {
    const a = join(root, 'a.ts');
    expect(
      toEditorState(root, {
        activeFile: a,
        selection: range,
        openFiles: [
          { path: a, dirty: true, languageId: 'typescript' },
          { path: a, dirty: true },
          { path: join(root, '..', 'x.ts'), dirty: false },
        ],
      }),
    ).toEqual({
      activeFile: 'a.ts',
      selection: range,
      openFiles: [{ file: 'a.ts', dirty: true, languageId: 'typescript' }],
    });
    expect(
      toEditorState(root, {
        activeFile: join(root, '..', 'x.ts'),
        selection: range,
        openFiles: [],
      }),
    ).toEqual({ activeFile: null, selection: null, openFiles: [] });
  });
});

describe('status and start command', () => {
  it('gives each state a click that helps', () => {
    expect(describeStatus({ state: 'no-sidecar', root }).action).toBe('start');
    expect(describeStatus({ state: 'error', message: 'refused' }).action).toBe('reconnect');
    expect(
      describeStatus({
        state: 'connected',
        url: 'ws://x/ws',
        clientId: 'c1',
        dashboardUrl: 'http://x/',
      }).action,
    ).toBe('dashboard');
  });

  it('runs npx sidecar serve in the folder (npx.cmd on Windows)', () => {
    expect(startCommand(root, 'linux')).toEqual({
      command: 'npx',
      args: ['sidecar', 'serve'],
      cwd: root,
      display: 'npx sidecar serve',
    });
    expect(startCommand(root, 'win32').command).toBe('npx.cmd');
  });
});
