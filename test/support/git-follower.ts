import type { Sidecar } from '../../src/app/sidecar.js';
import type {
  EventMessage,
  GitStatus,
  ResponseMessage,
  ServerMessage,
} from '../../src/protocol/index.js';
import { type RawClient, rawClient, waitFor } from './server.js';

export interface GitFollower {
  client: RawClient;
  /** The `snapshot` the subscription was answered with. */
  snapshot: GitStatus | null;
  /** Every `git` event received so far, in order, as `[event, data]`. */
  events(): [string, unknown][];
  /** The latest `status` event's data, or the snapshot before any. */
  latestStatus(): GitStatus | null;
  /** Waits until `predicate` holds for the latest status. */
  waitForStatus(predicate: (status: GitStatus) => boolean, message: string): Promise<GitStatus>;
  request(method: string, params?: unknown): Promise<ResponseMessage>;
}

let requestCount = 0;

/** A real WebSocket client subscribed to `git` (and `system`, `files`) on `sidecar`. */
export async function followGit(sidecar: Sidecar): Promise<GitFollower> {
  const client = await rawClient(sidecar);
  client.send({ type: 'subscribe', channels: ['git', 'system', 'files'], id: 'sub' });
  await client.response('sub');
  const snapshotMessage = client.messages.find(
    (m) => m.type === 'snapshot' && m.channel === 'git',
  ) as Extract<ServerMessage, { type: 'snapshot' }> | undefined;
  const snapshot = (snapshotMessage?.data ?? null) as GitStatus | null;
  const gitEvents = () =>
    client.messages.filter((m): m is EventMessage => m.type === 'event' && m.channel === 'git');
  const latestStatus = () => {
    const statuses = gitEvents().filter((m) => m.event === 'status');
    return (statuses.at(-1)?.data as GitStatus | undefined) ?? snapshot;
  };
  return {
    client,
    snapshot,
    events: () => gitEvents().map((m) => [m.event, m.data]),
    latestStatus,
    async waitForStatus(predicate, message) {
      let found: GitStatus | undefined;
      await waitFor(
        () => {
          const status = latestStatus();
          if (status && predicate(status)) found = status;
          return found;
        },
        { message },
      );
      return found!;
    },
    request(method, params) {
      const id = `r${++requestCount}`;
      client.send({ type: 'request', id, method, params });
      return client.response(id);
    },
  };
}
