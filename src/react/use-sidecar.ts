/** `useSidecar()`: the client and its connection state, re-rendering when the state changes. */
import { useCallback, useSyncExternalStore } from 'react';
import type { ConnectionState, SidecarClient } from '../client/types.js';
import { useSidecarClient } from './context.js';

export interface SidecarConnection {
  client: SidecarClient;
  state: ConnectionState;
  /** From the latest `welcome`; null before the first. */
  clientId: string | null;
  epoch: string | null;
}

export function useSidecar(): SidecarConnection {
  const client = useSidecarClient();
  const subscribe = useCallback(
    (onChange: () => void) => {
      const offState = client.on('state', onChange);
      const offWelcome = client.on('welcome', onChange);
      return () => {
        offState();
        offWelcome();
      };
    },
    [client],
  );
  const state = useSyncExternalStore(
    subscribe,
    () => client.state,
    () => client.state,
  );
  return { client, state, clientId: client.clientId, epoch: client.epoch };
}
