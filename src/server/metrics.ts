import type { Channel, SourceState } from '../protocol/index.js';
import type { ManagerStats } from './manager.js';

export interface MetricsInput {
  stats: ManagerStats;
  seqByChannel: [Channel, number][];
  sources: { name: string; state: SourceState }[];
  uptimeSeconds: number;
}

/** The manager's counters, each as one unlabelled sample. */
const MANAGER_METRICS: [keyof ManagerStats, string, 'gauge' | 'counter', string][] = [
  ['connections', 'sidecar_connections', 'gauge', 'Open WebSocket connections.'],
  ['connectionsTotal', 'sidecar_connections_total', 'counter', 'WebSocket connections accepted.'],
  [
    'messagesReceived',
    'sidecar_messages_received_total',
    'counter',
    'Messages received from clients.',
  ],
  ['messagesSent', 'sidecar_messages_sent_total', 'counter', 'Messages sent to clients.'],
  ['bytesSent', 'sidecar_bytes_sent_total', 'counter', 'Bytes of messages sent to clients.'],
  ['rateLimited', 'sidecar_rate_limited_total', 'counter', 'Messages dropped by the rate limit.'],
  [
    'slowConsumerCloses',
    'sidecar_slow_consumer_closes_total',
    'counter',
    'Connections closed as slow consumers (4008).',
  ],
  [
    'floodCloses',
    'sidecar_flood_closes_total',
    'counter',
    'Connections closed for flooding (1008).',
  ],
  [
    'deadPeersTerminated',
    'sidecar_dead_peers_terminated_total',
    'counter',
    'Connections that missed a heartbeat.',
  ],
];

/** Renders the Prometheus text exposition format (version 0.0.4). */
export function renderMetrics(input: MetricsInput): string {
  const lines: string[] = [];
  const metric = (
    name: string,
    type: 'gauge' | 'counter',
    help: string,
    samples: [string, number][],
  ) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
  };
  for (const [key, name, type, help] of MANAGER_METRICS)
    metric(name, type, help, [['', input.stats[key]]]);
  metric(
    'sidecar_channel_seq',
    'counter',
    'Events broadcast per channel (its latest seq).',
    input.seqByChannel.map(([channel, seq]) => [`{channel="${escapeLabel(channel)}"}`, seq]),
  );
  metric(
    'sidecar_source_up',
    'gauge',
    '1 when the source is running.',
    input.sources.map(({ name, state }) => [
      `{source="${escapeLabel(name)}",state="${state}"}`,
      state === 'running' ? 1 : 0,
    ]),
  );
  metric('sidecar_uptime_seconds', 'gauge', 'Seconds since the server started.', [
    ['', input.uptimeSeconds],
  ]);
  return `${lines.join('\n')}\n`;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
