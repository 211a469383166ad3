/** The extension's logic, free of `vscode`: what extension.ts wires to the editor. */
export {
  type BridgeHost,
  type BridgeOptions,
  createSidecarBridge,
  type SidecarBridge,
} from './bridge.js';
export type { EditorDiagnostic, EditorDiagnosticsUpdate } from './diagnostics.js';
export { type FoundSidecar, findSidecar } from './discovery.js';
export type { EditorSnapshot } from './editor-state.js';
export type { StartCommand } from './start-command.js';
export {
  describeStatus,
  type SidecarStatus,
  type StatusAction,
  type StatusView,
} from './status.js';
