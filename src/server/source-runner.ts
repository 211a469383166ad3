import type { Logger } from '../core/logger.js';
import type { Source, SourceContext } from '../core/source.js';
import type { Channel, SourceState, SourceStateData } from '../protocol/index.js';
import type { EventBroadcaster } from './broadcaster.js';
import type { MethodRegistry } from './method-registry.js';

/**
 * Starts and stops the sources, and keeps each one's state for `server.info` and `system`.
 * While a source starts, calls to its methods and the first snapshot of its channel wait for
 * its start to settle, so a client that connects early gets the answers of the started source.
 */
export interface SourceRunner {
  start(): Promise<void>;
  stop(): Promise<void>;
  states(): SourceStateData[];
  /** Tells the sources that a client has gone (`ctx.onClientGone`), e.g. to stop its work. */
  clientGone(clientId: string): void;
}

export function createSourceRunner(deps: {
  sources: Source[];
  root: string;
  broadcaster: EventBroadcaster;
  methods: MethodRegistry;
  log: Logger;
}): SourceRunner {
  const { sources, broadcaster, log } = deps;
  const states = new Map<string, SourceStateData>();
  /** The start of each source still starting; it settles (never rejects) once start has. */
  const starting = new Map<Source, Promise<void>>();
  const clientGoneListeners = new Set<(clientId: string) => void>();

  function setState(name: string, channel: Channel, state: SourceState, message?: string): void {
    const previous = states.get(name);
    if (previous?.state === state && previous.message === message) return;
    const data: SourceStateData =
      message === undefined ? { name, channel, state } : { name, channel, state, message };
    states.set(name, data);
    const line = `source ${name}: ${state}${message ? ` — ${message}` : ''}`;
    if (state === 'failed' || state === 'error' || state === 'unavailable') log.warn(line);
    else log.debug(line);
    broadcaster.emit('system', 'source', data);
  }

  for (const source of sources) {
    const started = () => starting.get(source);
    for (const method of source.methods ?? []) {
      deps.methods.register(method, { name: source.name, started });
    }
    if (source.snapshot) {
      broadcaster.setSnapshotProvider(source.channel, () => source.snapshot!(), started);
    }
  }

  function contextFor<C extends Channel>(source: Source<C>): SourceContext<C> {
    return {
      root: deps.root,
      log: log.child(source.name),
      emit: (event, data) => broadcaster.emit(source.channel, event, data),
      emitJson: (event, json) => broadcaster.emitJson(source.channel, event, json),
      setState: (state, message) => setState(source.name, source.channel, state, message),
      setPartState: (part, state, message) =>
        setState(`${source.name}:${part}`, source.channel, state, message),
      emitSystem: (event, data) => void broadcaster.emit('system', event, data),
      onEvent: (channel: Channel, listener) => broadcaster.onEvent(channel, listener),
      onClientGone(listener) {
        clientGoneListeners.add(listener);
        return () => clientGoneListeners.delete(listener);
      },
    };
  }

  async function startOne(source: Source): Promise<void> {
    setState(source.name, source.channel, 'starting');
    try {
      await source.start(contextFor(source));
      if (states.get(source.name)?.state === 'starting')
        setState(source.name, source.channel, 'running');
    } catch (error) {
      // One source that cannot run must not stop the others.
      setState(
        source.name,
        source.channel,
        'unavailable',
        error instanceof Error ? error.message : String(error),
      );
    }
  }

  return {
    async start() {
      await Promise.all(
        sources.map((source) => {
          const start = startOne(source).finally(() => starting.delete(source));
          starting.set(source, start);
          return start;
        }),
      );
    },
    async stop() {
      await Promise.all(
        sources.map(async (source) => {
          try {
            await source.stop();
          } catch (error) {
            log.warn(`source ${source.name} did not stop cleanly`, error);
          }
          setState(source.name, source.channel, 'stopped');
        }),
      );
    },
    states: () => [...states.values()],
    clientGone(clientId) {
      for (const listener of clientGoneListeners) listener(clientId);
    },
  };
}
