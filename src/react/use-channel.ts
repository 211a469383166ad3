/**
 * `useChannel(channel, handler)`: calls `handler` with the channel's events while the component
 * is mounted. The latest handler is called, so a new handler function per render does not
 * resubscribe; a new channel does.
 */
import { useEffect, useRef } from 'react';
import type { ChannelHandler } from '../client/types.js';
import type { Channel } from '../protocol/index.js';
import { useSidecarClient } from './context.js';

export function useChannel<C extends Channel>(channel: C, handler: ChannelHandler<C>): void {
  const client = useSidecarClient();
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(
    () => client.subscribe(channel, ((message) => latest.current(message)) as ChannelHandler<C>),
    [client, channel],
  );
}
