/**
 * The wire protocol (see `protocol/index.ts`), at the path the package's `./protocol` export,
 * the dashboard's `/lib/protocol.js` and the modules written before the split still import.
 */
export * from './protocol/index.js';
