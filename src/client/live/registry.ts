/**
 * The client's live states: one keeper per channel, shared by every watcher and store of it,
 * alive while anything holds it. A state channel's plain `subscribe()` holds it too, so a
 * watcher that comes after the channel's snapshot still starts from the whole state.
 */
import type { Channel, EventMessage, SnapshotMessage } from '../../protocol/index.js';
import { reportListenerError } from '../emitter.js';
import type { AnyChannelHandler } from '../subscriptions.js';
import type { GapInfo, SidecarClient } from '../types.js';
import { createAiKeeper } from './ai.js';
import { createDiagnosticsKeeper } from './diagnostics.js';
import { createFilesKeeper } from './files.js';
import { createGitKeeper } from './git.js';
import type { Keeper, KeeperContext, KeeperFactory } from './keeper.js';
import type { LiveChannel, LiveState, LiveStateMap, LiveStore } from './types.js';
import { createValidationKeeper } from './validation.js';

const KEEPERS: { [C in LiveChannel]: KeeperFactory<LiveStateMap[C]> } = {
  diagnostics: createDiagnosticsKeeper,
  git: createGitKeeper,
  validation: createValidationKeeper,
  files: createFilesKeeper,
  'ai-response': createAiKeeper,
};

export interface LiveRegistryDeps {
  /** Adds a channel handler without holding the keeper (which would hold itself). */
  addHandler(channel: Channel, handler: AnyChannelHandler): void;
  removeHandler(channel: Channel, handler: AnyChannelHandler): void;
  request: SidecarClient['request'];
}

export interface LiveRegistry {
  /** Keeps `channel`'s state (and its subscription) while held; returns the release. */
  hold(channel: LiveChannel): () => void;
  store<C extends LiveChannel>(channel: C): LiveStore<C>;
  /** Forwards a gap the client reported. */
  gap(gap: GapInfo): void;
}

interface Entry {
  keeper: Keeper<unknown>;
  handler: AnyChannelHandler;
  holders: number;
  listeners: Set<() => void>;
  value: unknown;
  stale: boolean;
}

export function createLiveRegistry(deps: LiveRegistryDeps): LiveRegistry {
  const entries = new Map<LiveChannel, Entry>();
  const stores = new Map<LiveChannel, LiveStore<LiveChannel>>();
  /** What `get()` returns for a channel nobody holds: its fold before any message. */
  const empty = new Map<LiveChannel, unknown>();

  function notify(entry: Entry): void {
    entry.stale = true;
    for (const listener of [...entry.listeners]) {
      try {
        listener();
      } catch (error) {
        reportListenerError(error);
      }
    }
  }

  function open(channel: LiveChannel): Entry {
    const context: KeeperContext = {
      request: deps.request,
      changed: () => {
        if (entries.get(channel) === entry) notify(entry);
      },
    };
    const keeper = KEEPERS[channel](context) as Keeper<unknown>;
    const entry: Entry = {
      keeper,
      handler: (message: EventMessage | SnapshotMessage) => {
        if (keeper.apply(message)) notify(entry);
      },
      holders: 0,
      listeners: new Set(),
      value: undefined,
      stale: true,
    };
    entries.set(channel, entry);
    deps.addHandler(channel, entry.handler);
    return entry;
  }

  function currentValue(channel: LiveChannel): unknown {
    const entry = entries.get(channel);
    if (!entry) {
      if (!empty.has(channel)) empty.set(channel, KEEPERS[channel](inert).build());
      return empty.get(channel);
    }
    if (entry.stale) {
      entry.value = entry.keeper.build();
      entry.stale = false;
    }
    return entry.value;
  }

  const registry: LiveRegistry = {
    hold(channel) {
      const entry = entries.get(channel) ?? open(channel);
      entry.holders++;
      let held = true;
      return () => {
        if (!held) return;
        held = false;
        entry.holders--;
        // Dropped a moment later, so an unsubscribe and subscribe in a row (React's StrictMode
        // mounts twice) keep the state and the server subscription instead of starting over.
        queueMicrotask(() => {
          if (entry.holders > 0 || entries.get(channel) !== entry) return;
          entries.delete(channel);
          deps.removeHandler(channel, entry.handler);
        });
      };
    },

    store<C extends LiveChannel>(channel: C): LiveStore<C> {
      let store = stores.get(channel);
      if (!store) {
        store = {
          get: () => currentValue(channel) as LiveState<LiveChannel>,
          subscribe(onChange) {
            const release = registry.hold(channel);
            const entry = entries.get(channel) as Entry;
            entry.listeners.add(onChange);
            return () => {
              entry.listeners.delete(onChange);
              release();
            };
          },
        };
        stores.set(channel, store);
      }
      return store as unknown as LiveStore<C>;
    },

    gap(gap) {
      const entry = entries.get(gap.channel as LiveChannel);
      if (entry?.keeper.gap?.(gap)) notify(entry);
    },
  };
  return registry;
}

/** The context of a keeper that only builds its empty value. */
const inert: KeeperContext = {
  request: (() => Promise.reject(new Error('not held'))) as unknown as SidecarClient['request'],
  changed: () => {},
};
