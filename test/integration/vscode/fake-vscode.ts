/**
 * A stand-in for the `vscode` module, just wide enough for extension.ts: it records what the
 * extension does (status bar, opened documents) and lets a test fire editor events. It is
 * written as a CommonJS module next to the bundle, where its `require('vscode')` finds it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface FakeVscode {
  /** What `showTextDocument` was asked: the file and the 0-based selection start. */
  shown: { path: string; line: number; character: number }[];
  statusBar: { text: string; tooltip: string; command: string | undefined };
  /** Runs the listeners of an event, e.g. `window.onDidChangeActiveTextEditor`. */
  fire(event: string, value?: unknown): void;
  /** Sets `window.activeTextEditor` to a document at `path` with a cursor. */
  setActiveEditor(path: string, line: number, character: number): void;
}

/** Writes `node_modules/vscode/index.js` under `dir`; returns the fake it will export. */
export async function installFakeVscode(
  dir: string,
  folder: string,
  settings: Record<string, unknown> = {},
): Promise<FakeVscode> {
  const moduleDir = join(dir, 'node_modules', 'vscode');
  await mkdir(moduleDir, { recursive: true });
  await writeFile(join(moduleDir, 'index.js'), 'module.exports = globalThis.__fakeVscode;\n');

  const listeners = new Map<string, ((value: unknown) => void)[]>();
  const event =
    (name: string) =>
    (listener: (value: unknown) => void): { dispose(): void } => {
      listeners.set(name, [...(listeners.get(name) ?? []), listener]);
      return { dispose: () => undefined };
    };
  const uriFile = (path: string) => ({
    scheme: 'file',
    fsPath: path,
    path,
    toString: () => `file://${path}`,
  });
  class Position {
    constructor(
      readonly line: number,
      readonly character: number,
    ) {}
  }
  class Range {
    constructor(
      readonly start: Position,
      readonly end: Position,
    ) {}
  }
  class TabInputText {
    constructor(readonly uri: ReturnType<typeof uriFile>) {}
  }
  const document = (path: string) => ({ uri: uriFile(path), languageId: 'typescript' });
  const textDocuments: ReturnType<typeof document>[] = [];

  const fake: FakeVscode = {
    shown: [],
    statusBar: { text: '', tooltip: '', command: undefined },
    fire(name, value) {
      for (const listener of listeners.get(name) ?? []) listener(value);
    },
    setActiveEditor(path, line, character) {
      const at = new Position(line, character);
      window.activeTextEditor = { document: document(path), selection: new Range(at, at) };
      textDocuments.push(document(path));
      window.tabGroups.all = [
        { tabs: [{ input: new TabInputText(uriFile(path)), isDirty: true }] },
      ];
    },
  };
  const window = {
    activeTextEditor: undefined as unknown,
    tabGroups: { all: [] as unknown[], onDidChangeTabs: event('window.tabGroups.onDidChangeTabs') },
    createOutputChannel: () => ({ appendLine: () => undefined, dispose: () => undefined }),
    createStatusBarItem: () => {
      const item = {
        show: () => undefined,
        dispose: () => undefined,
        set text(text: string) {
          fake.statusBar.text = text;
        },
        set tooltip(tooltip: string) {
          fake.statusBar.tooltip = tooltip;
        },
        set command(command: string | undefined) {
          fake.statusBar.command = command;
        },
      };
      return item;
    },
    onDidChangeActiveTextEditor: event('window.onDidChangeActiveTextEditor'),
    onDidChangeTextEditorSelection: event('window.onDidChangeTextEditorSelection'),
    showInformationMessage: async () => undefined,
    showWarningMessage: async () => undefined,
    createTerminal: () => ({ show: () => undefined }),
    showTextDocument: async (
      shown: ReturnType<typeof document>,
      options: { selection: Range },
    ): Promise<void> => {
      fake.shown.push({
        path: shown.uri.fsPath,
        line: options.selection.start.line,
        character: options.selection.start.character,
      });
    },
  };
  (globalThis as { __fakeVscode?: unknown }).__fakeVscode = {
    Position,
    Range,
    TabInputText,
    StatusBarAlignment: { Left: 1, Right: 2 },
    Uri: { file: uriFile, parse: (url: string) => ({ toString: () => url }) },
    workspace: {
      workspaceFolders: [{ uri: uriFile(folder), name: 'app', index: 0 }],
      textDocuments,
      getConfiguration: () => ({
        get: (key: string, fallback: unknown) => (key in settings ? settings[key] : fallback),
      }),
      openTextDocument: async (uri: ReturnType<typeof uriFile>) => document(uri.fsPath),
      onDidChangeTextDocument: event('workspace.onDidChangeTextDocument'),
      onDidSaveTextDocument: event('workspace.onDidSaveTextDocument'),
      onDidChangeConfiguration: event('workspace.onDidChangeConfiguration'),
    },
    window,
    commands: { registerCommand: () => ({ dispose: () => undefined }) },
    languages: {
      getDiagnostics: () => [],
      onDidChangeDiagnostics: event('languages.onDidChangeDiagnostics'),
    },
    env: { openExternal: async () => true },
  };
  return fake;
}
