import type { ChannelMessage } from '../client/index.js';
import { previewValue } from '../core/value-preview.js';

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
  if (message.channel === 'git' && data && typeof data === 'object') {
    // A git snapshot is a status: the same summary as a status event.
    const line = summarizeGit(message.type === 'snapshot' ? 'status' : message.event, data);
    if (line) return line;
  }
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
  return previewValue(data, 200);
}

/** `main → feature`, `9f2c1a0 Fix the parser — Ada`, `feature 9f2c1a0 ↑1: 2 modified`. */
function summarizeGit(event: string, data: Record<string, unknown>): string | undefined {
  const branchName = (name: unknown) => (typeof name === 'string' ? name : '(detached)');
  const short = (sha: unknown) => String(sha).slice(0, 7);
  if (event === 'branch') return `${branchName(data.from)} → ${branchName(data.to)}`;
  if (event === 'commit') return `${short(data.sha)} ${data.subject} — ${data.author}`;
  if (event !== 'status' || !Array.isArray(data.staged)) return undefined;
  const head = data.head as { sha?: unknown } | null;
  const parts = [branchName(data.branch), head ? short(head.sha) : '(no commits)'];
  if (data.ahead) parts.push(`↑${data.ahead}`);
  if (data.behind) parts.push(`↓${data.behind}`);
  if (data.operation) parts.push(`(${data.operation})`);
  const counts = ['staged', 'modified', 'untracked', 'conflicted']
    .map((list) => [list, Array.isArray(data[list]) ? data[list].length : 0] as const)
    .filter(([, count]) => count > 0)
    .map(([list, count]) => `${count} ${list}`);
  return `${parts.join(' ')}: ${counts.length > 0 ? counts.join(', ') : 'clean'}`;
}
