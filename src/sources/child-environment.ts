// Moved to core, which every process the sidecar starts goes through; kept here for the
// modules and tests that still import it from this path.
export { childEnvironment } from '../core/child-environment.js';
