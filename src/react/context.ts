/** The provider that hands a sidecar client to the hooks below it. */
import { createContext, createElement, type ReactNode, useContext } from 'react';
import { SidecarClientError } from '../client/errors.js';
import type { SidecarClient } from '../client/types.js';

const SidecarContext = createContext<SidecarClient | null>(null);

export interface SidecarProviderProps {
  /**
   * A client from `connect()`, made once outside React (at module level, say): React may
   * render a component more than once, and a client per render would be a socket per render.
   */
  client: SidecarClient;
  children?: ReactNode;
}

/** Makes `client` the one every `useSidecar…`/`useChannel…`/`useRequest` hook below uses. */
export function SidecarProvider({ client, children }: SidecarProviderProps) {
  return createElement(SidecarContext.Provider, { value: client }, children);
}

/** The provider's client; a clear error when there is no provider. */
export function useSidecarClient(): SidecarClient {
  const client = useContext(SidecarContext);
  if (!client) {
    throw new SidecarClientError(
      'CONNECTION_CLOSED',
      'no sidecar client: wrap the component in <SidecarProvider client={connect(…)}>',
    );
  }
  return client;
}
