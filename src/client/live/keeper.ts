/** What each channel's fold implements; `registry.ts` drives them. */
import type { EventMessage, SnapshotMessage } from '../../protocol/index.js';
import type { GapInfo, SidecarClient } from '../types.js';

export interface KeeperContext {
  /** For folds that fetch what they missed (`ai.get`). */
  request: SidecarClient['request'];
  /** Reports a change made outside `apply` (an answer that arrived later). */
  changed(): void;
}

/**
 * A channel's state, kept mutable inside and handed out immutable: `build()` makes the value,
 * which the registry caches until the next change.
 */
export interface Keeper<S> {
  /** Takes one delivered message; returns whether the state changed. */
  apply(message: EventMessage | SnapshotMessage): boolean;
  /** Events may have been missed; returns whether the state changed. */
  gap?(gap: GapInfo): boolean;
  build(): S;
}

export type KeeperFactory<S> = (context: KeeperContext) => Keeper<S>;
