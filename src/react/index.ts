/**
 * `sidecar/react`: React (≥ 18) hooks over the client library.
 *
 * @example
 * const client = connect({ url: 'ws://127.0.0.1:3001/ws', token });
 * root.render(<SidecarProvider client={client}><Problems /></SidecarProvider>);
 * function Problems() {
 *   const { summary } = useChannelState('diagnostics');
 *   return <p>{summary.errors} errors</p>;
 * }
 *
 * @packageDocumentation
 */
export { SidecarProvider, type SidecarProviderProps, useSidecarClient } from './context.js';
export { useChannel } from './use-channel.js';
export { useChannelState } from './use-channel-state.js';
export { type RequestState, useRequest } from './use-request.js';
export { type SidecarConnection, useSidecar } from './use-sidecar.js';
