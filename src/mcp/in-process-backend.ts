import type { Channel, EventMessage, ServerInfo, SnapshotMessage } from '../protocol/index.js';
import type { EventBroadcaster } from '../server/broadcaster.js';
import type { MethodRegistry } from '../server/method-registry.js';
import type { CallOptions, CatchUp, SidecarBackend } from './backend.js';

export interface InProcessParts {
  root: string;
  broadcaster: EventBroadcaster;
  methods: MethodRegistry;
  info: () => ServerInfo;
}

/** The tools' view of a sidecar in the same process: its registry and broadcaster, no socket. */
export function createInProcessBackend(parts: InProcessParts, clientId = 'mcp'): SidecarBackend {
  const { broadcaster, methods } = parts;
  const call = (method: string, params: unknown, options: CallOptions = {}) =>
    methods.call(method, params, {
      clientId,
      signal: options.signal ?? new AbortController().signal,
    });
  return {
    root: parts.root,
    call: call as SidecarBackend['call'],
    async follow(channel, listener) {
      return broadcaster.onEvent(channel, ({ event, data, seq }) => listener({ event, data, seq }));
    },
    async catchUp(channel: Channel, since) {
      // A state channel's snapshot holds its source's first state only once the source started.
      await broadcaster.snapshotReady(channel);
      const plan = broadcaster.planResume(channel, since);
      const result: CatchUp = {
        epoch: broadcaster.epoch,
        latestSeq: plan.latestSeq,
        gap: plan.gap,
        events: plan.replay.map((entry) => {
          const message = JSON.parse(entry.frame.toString('utf8')) as EventMessage;
          return { event: message.event, data: message.data, seq: message.seq };
        }),
      };
      if (plan.snapshot) {
        result.snapshot = (JSON.parse(plan.snapshot.toString('utf8')) as SnapshotMessage).data;
      }
      return result;
    },
    info: async () => parts.info(),
  };
}
