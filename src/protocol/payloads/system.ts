/** The `system` channel: clients connecting and leaving, shutdown, and each source's state. */

import type { Channel } from '../channels.js';

export type SourceState = 'starting' | 'running' | 'stopped' | 'unavailable' | 'failed' | 'error';
export interface SourceStateData {
  name: string;
  /** The channel the source feeds, so a panel can tell why a channel is quiet (a sidecar addition). */
  channel?: Channel;
  state: SourceState;
  message?: string;
}
export interface SystemConnectedData {
  clientId: string;
  clients: number;
}
export interface SystemShutdownData {
  reason: string;
}

/** `provider.added` / `provider.removed`: one per method a client starts or stops providing. */
export interface SystemProviderData {
  method: string;
  clientId: string;
}
