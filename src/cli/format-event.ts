import type { ChannelMessage } from '../client/index.js';

const COLORS: Record<string, number> = {
  files: 36,
  diagnostics: 31,
  git: 35,
  search: 34,
  validation: 33,
  'ai-response': 32,
  system: 90,
};

/** One readable line for an event or snapshot, as `sidecar tail` prints it on a terminal. */
export function formatMessage(message: ChannelMessage, { color }: { color: boolean }): string {
  const time = new Date(message.timestamp).toISOString().slice(11, 23);
  const event = message.type === 'snapshot' ? 'snapshot' : message.event;
  const channel = message.channel.padEnd(12);
  const paint = (text: string) => {
    const code = COLORS[message.channel] ?? 37;
    return color ? `\x1b[${code}m${text}\x1b[0m` : text;
  };
  return `${time} ${paint(channel)} ${event.padEnd(10)} ${summarize(message)}`;
}

function summarize(message: ChannelMessage): string {
  const data = message.data as Record<string, unknown> | null;
  if (message.type === 'event' && data && typeof data === 'object') {
    if (message.channel === 'files') {
      if (message.event === 'batch') return `${data.count} changes`;
      if (message.event === 'ready')
        return `${data.files} files watched (scan took ${data.durationMs} ms)`;
      return String(data.file);
    }
    if (message.channel === 'system' && message.event === 'source') {
      return `${data.name}: ${data.state}${data.message ? ` — ${data.message}` : ''}`;
    }
    if (message.channel === 'ai-response' && typeof data.chunk === 'string') {
      return `[${data.id}#${data.index}] ${JSON.stringify(data.chunk)}`;
    }
  }
  return truncate(JSON.stringify(data), 200);
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
