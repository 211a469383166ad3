/**
 * A language server's work-done progress (`$/progress`: begin, report, end) summed up as one
 * line for a panel, e.g. "Initializing JS/TS language features (40%)". Reports come often, so
 * the line is passed on at most once per `intervalMs`; begin and end always go through.
 */

export interface ProgressTracker {
  /** Feeds one `$/progress` value; anything malformed is ignored. */
  update(token: string | number, value: unknown): void;
  /** The line for the newest active task, or undefined when none runs. */
  current(): string | undefined;
  dispose(): void;
}

interface Task {
  title: string;
  message?: string;
  percentage?: number;
}

/** A server cannot make us remember more tasks than this. */
const MAX_ACTIVE_TASKS = 64;

export function createProgressTracker(
  onChange: (line: string | undefined) => void,
  intervalMs = 250,
): ProgressTracker {
  const tasks = new Map<string | number, Task>();
  let lastSent = 0;
  let trailing: NodeJS.Timeout | undefined;

  function current(): string | undefined {
    const newest = [...tasks.values()].at(-1);
    if (!newest) return undefined;
    const detail = newest.message ? `: ${newest.message}` : '';
    const percent = newest.percentage === undefined ? '' : ` (${Math.round(newest.percentage)}%)`;
    return `${newest.title}${detail}${percent}`;
  }

  function send(): void {
    clearTimeout(trailing);
    trailing = undefined;
    lastSent = Date.now();
    onChange(current());
  }

  function sendSoon(): void {
    const wait = lastSent + intervalMs - Date.now();
    if (wait <= 0) send();
    else trailing ??= setTimeout(send, wait);
  }

  return {
    update(token, value) {
      if (typeof value !== 'object' || value === null) return;
      const { kind, title, message, percentage } = value as Record<string, unknown>;
      const text = (v: unknown) => (typeof v === 'string' ? v.slice(0, 200) : undefined);
      const percent = typeof percentage === 'number' && Number.isFinite(percentage);
      if (kind === 'begin') {
        if (!tasks.has(token) && tasks.size >= MAX_ACTIVE_TASKS) return;
        tasks.delete(token); // re-inserted as the newest
        tasks.set(token, {
          title: text(title) ?? 'working',
          ...(text(message) ? { message: text(message) } : {}),
          ...(percent ? { percentage: percentage as number } : {}),
        });
        send();
      } else if (kind === 'report') {
        const task = tasks.get(token);
        if (!task) return;
        // An empty message (pyright sends one) is no message, not a signal of anything.
        if (text(message) !== undefined) task.message = text(message) || undefined;
        if (percent) task.percentage = percentage as number;
        sendSoon();
      } else if (kind === 'end') {
        if (tasks.delete(token)) send();
      }
    },
    current,
    dispose() {
      clearTimeout(trailing);
      tasks.clear();
    },
  };
}
