/**
 * The VS Code glue: turns editor events into calls on the bridge (core/) and does what the
 * bridge asks of the editor. All the logic is in core/, which has no `vscode` import and is
 * tested against a real sidecar; keep this file to wiring.
 */
import * as vscode from 'vscode';
import {
  createSidecarBridge,
  describeStatus,
  type EditorDiagnostic,
  type EditorSnapshot,
  type SidecarBridge,
  type SidecarStatus,
  type StatusAction,
} from './core/index.js';

const COMMAND_OF_ACTION: Record<StatusAction, string> = {
  start: 'sidecar.start',
  reconnect: 'sidecar.reconnect',
  dashboard: 'sidecar.openDashboard',
};

let bridge: SidecarBridge | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder?.uri.scheme !== 'file') return;
  const root = folder.uri.fsPath;
  const settings = () => vscode.workspace.getConfiguration('sidecar');
  const output = vscode.window.createOutputChannel('Sidecar');
  const statusItem = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);
  context.subscriptions.push(output, statusItem);

  let offeredStart = false;
  const onStatus = (status: SidecarStatus) => {
    const view = describeStatus(status);
    statusItem.text = view.text;
    statusItem.tooltip = view.tooltip;
    statusItem.command = COMMAND_OF_ACTION[view.action];
    statusItem.show();
    if (status.state === 'no-sidecar' && !offeredStart) {
      offeredStart = true;
      void offerToStart();
    }
  };

  const current = createSidecarBridge({
    root,
    publishDiagnostics: settings().get<boolean>('publishDiagnostics', false),
    host: {
      openFile,
      setStatus: onStatus,
      log: (message) => output.appendLine(message),
    },
  });
  bridge = current;

  function startSidecar(): void {
    const command = current.startCommand();
    const terminal = vscode.window.createTerminal({
      name: 'Sidecar',
      cwd: command.cwd,
      shellPath: command.command,
      shellArgs: command.args,
    });
    terminal.show(true);
    // The bridge polls the discovery file and connects once the sidecar has written it.
  }

  async function offerToStart(): Promise<void> {
    if (settings().get<boolean>('autoStart', false)) return startSidecar();
    const choice = await vscode.window.showInformationMessage(
      `No sidecar runs for ${folder?.name}. Start one (${current.startCommand().display})?`,
      'Start',
    );
    if (choice === 'Start') startSidecar();
  }

  const publishEditor = () => current.updateEditor(editorSnapshot());
  const forwardDiagnostics = (uris: readonly vscode.Uri[]) =>
    current.updateDiagnostics(
      uris
        .filter((uri) => uri.scheme === 'file')
        .map((uri) => ({
          path: uri.fsPath,
          diagnostics: vscode.languages.getDiagnostics(uri).map(plainDiagnostic),
        })),
    );

  context.subscriptions.push(
    vscode.commands.registerCommand('sidecar.start', startSidecar),
    vscode.commands.registerCommand('sidecar.reconnect', () => current.reconnect()),
    vscode.commands.registerCommand('sidecar.openDashboard', async () => {
      const url = current.dashboardUrl();
      if (url) await vscode.env.openExternal(vscode.Uri.parse(url));
      else void vscode.window.showWarningMessage('Sidecar: not connected to a sidecar.');
    }),
    vscode.window.onDidChangeActiveTextEditor(publishEditor),
    vscode.window.onDidChangeTextEditorSelection(publishEditor),
    vscode.window.tabGroups.onDidChangeTabs(publishEditor),
    vscode.workspace.onDidChangeTextDocument((event) => {
      // Only a change of the dirty flag matters to the `editor` channel, not every keystroke.
      const before = dirtyBefore.get(event.document.uri.toString());
      if (before !== undefined && before !== event.document.isDirty) publishEditor();
    }),
    vscode.workspace.onDidSaveTextDocument(publishEditor),
    vscode.languages.onDidChangeDiagnostics((event) => forwardDiagnostics(event.uris)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('sidecar.publishDiagnostics')) {
        current.setPublishDiagnostics(settings().get<boolean>('publishDiagnostics', false));
      }
    }),
    { dispose: () => void current.dispose() },
  );

  publishEditor();
  forwardDiagnostics(vscode.languages.getDiagnostics().map(([uri]) => uri));
  await current.start();
}

export async function deactivate(): Promise<void> {
  await bridge?.dispose();
  bridge = undefined;
}

/** The dirty flag last published per open tab, to skip edits that do not change it. */
const dirtyBefore = new Map<string, boolean>();

function editorSnapshot(): EditorSnapshot {
  const active = vscode.window.activeTextEditor;
  const documents = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
  dirtyBefore.clear();
  const openFiles: EditorSnapshot['openFiles'] = [];
  for (const tab of vscode.window.tabGroups.all.flatMap((group) => group.tabs)) {
    if (!(tab.input instanceof vscode.TabInputText) || tab.input.uri.scheme !== 'file') continue;
    const document = documents.get(tab.input.uri.toString());
    dirtyBefore.set(tab.input.uri.toString(), tab.isDirty);
    openFiles.push({
      path: tab.input.uri.fsPath,
      dirty: tab.isDirty,
      ...(document ? { languageId: document.languageId } : {}),
    });
  }
  const activeFile = active?.document.uri.scheme === 'file' ? active.document.uri.fsPath : null;
  return {
    activeFile,
    selection: active && activeFile ? plainRange(active.selection) : null,
    openFiles,
  };
}

async function openFile(file: string, line?: number, column?: number): Promise<void> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  // editor.open is 1-based; VS Code positions are 0-based.
  const position = new vscode.Position(
    Math.max(0, (line ?? 1) - 1),
    Math.max(0, (column ?? 1) - 1),
  );
  await vscode.window.showTextDocument(document, {
    preview: false,
    selection: new vscode.Range(position, position),
  });
}

function plainRange(range: vscode.Range): EditorDiagnostic['range'] {
  return {
    start: { line: range.start.line, character: range.start.character },
    end: { line: range.end.line, character: range.end.character },
  };
}

function plainDiagnostic(diagnostic: vscode.Diagnostic): EditorDiagnostic {
  const code = diagnostic.code;
  return {
    range: plainRange(diagnostic.range),
    severity: diagnostic.severity,
    message: diagnostic.message,
    ...(code === undefined ? {} : { code: typeof code === 'object' ? code.value : code }),
    ...(diagnostic.source ? { source: diagnostic.source } : {}),
  };
}
