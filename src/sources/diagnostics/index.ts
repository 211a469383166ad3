export {
  createDiagnosticsSource,
  DIAGNOSTICS_DEFAULTS,
  type DiagnosticsSource,
  type DiagnosticsSourceOptions,
} from './diagnostics-source.js';
