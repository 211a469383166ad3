export {
  createDiagnosticsSource,
  type DiagnosticsSource,
  type DiagnosticsSourceOptions,
} from './diagnostics-source.js';
