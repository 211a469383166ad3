import type { Channel } from '../protocol/index.js';

/** Who follows which channel, indexed both ways: by channel to broadcast, by subscriber to clean up. */
export interface SubscriberIndex<T> {
  add(channel: Channel, subscriber: T): void;
  remove(channel: Channel, subscriber: T): void;
  removeAll(subscriber: T): void;
  subscribersOf(channel: Channel): ReadonlySet<T> | undefined;
  channelsOf(subscriber: T): Channel[];
  has(subscriber: T, channel: Channel): boolean;
}

export function createSubscriberIndex<T>(): SubscriberIndex<T> {
  const byChannel = new Map<Channel, Set<T>>();
  const bySubscriber = new Map<T, Set<Channel>>();

  function remove(channel: Channel, subscriber: T): void {
    const subscribers = byChannel.get(channel);
    subscribers?.delete(subscriber);
    // Empty sets are dropped so channels nobody follows any more cost nothing.
    if (subscribers?.size === 0) byChannel.delete(channel);
    const channels = bySubscriber.get(subscriber);
    channels?.delete(channel);
    if (channels?.size === 0) bySubscriber.delete(subscriber);
  }

  return {
    add(channel, subscriber) {
      const subscribers = byChannel.get(channel) ?? new Set<T>();
      byChannel.set(channel, subscribers.add(subscriber));
      const channels = bySubscriber.get(subscriber) ?? new Set<Channel>();
      bySubscriber.set(subscriber, channels.add(channel));
    },
    remove,
    removeAll(subscriber) {
      for (const channel of [...(bySubscriber.get(subscriber) ?? [])]) remove(channel, subscriber);
    },
    subscribersOf: (channel) => byChannel.get(channel),
    channelsOf: (subscriber) => [...(bySubscriber.get(subscriber) ?? [])],
    has: (subscriber, channel) => bySubscriber.get(subscriber)?.has(channel) ?? false,
  };
}
