/**
 * `useChannelState(channel)`: the channel's live state (`client.live(channel)`), re-rendering
 * on every change. Components that use the same channel share one fold and one subscription.
 */
import { useSyncExternalStore } from 'react';
import type { LiveChannel, LiveState } from '../client/live/types.js';
import { useSidecarClient } from './context.js';

export function useChannelState<C extends LiveChannel>(channel: C): LiveState<C> {
  // The store is one object per client and channel, so `subscribe` keeps its identity.
  const store = useSidecarClient().live(channel);
  return useSyncExternalStore(store.subscribe, store.get, store.get);
}
