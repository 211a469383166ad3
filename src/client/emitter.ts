/** A tiny typed event emitter: the client's `on`/`off` without Node's `events` module. */

type Listener<T> = (value: T) => void;

export interface Emitter<Events extends object> {
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void;
  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void;
  emit<K extends keyof Events>(event: K, value: Events[K]): void;
  /** Drops every listener. */
  clear(): void;
}

/**
 * Reports an exception thrown by user code (a listener or channel handler) without letting it
 * break the client: it is rethrown on a fresh task, where the browser logs it and reports it to
 * `window.onerror`, and Node treats it as an uncaught exception, as an EventEmitter would.
 */
export function reportListenerError(error: unknown): void {
  setTimeout(() => {
    throw error;
  }, 0);
}

export function createEmitter<Events extends object>(): Emitter<Events> {
  const listeners = new Map<keyof Events, Set<Listener<never>>>();
  const emitter: Emitter<Events> = {
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      set.add(listener as Listener<never>);
      return () => emitter.off(event, listener);
    },
    off(event, listener) {
      listeners.get(event)?.delete(listener as Listener<never>);
    },
    emit(event, value) {
      const set = listeners.get(event);
      if (!set) return;
      // A copy, so a listener that removes itself does not skip the next one.
      for (const listener of [...set]) {
        try {
          (listener as Listener<typeof value>)(value);
        } catch (error) {
          reportListenerError(error);
        }
      }
    },
    clear() {
      listeners.clear();
    },
  };
  return emitter;
}
