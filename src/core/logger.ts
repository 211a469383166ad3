/** A leveled logger that writes to stderr, so stdout stays free for what a command prints. */

export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Logger {
  error(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  info(message: string, ...details: unknown[]): void;
  debug(message: string, ...details: unknown[]): void;
  /** A logger whose lines are prefixed with `[scope]`. */
  child(scope: string): Logger;
}

type Write = (line: string) => void;

export function createLogger(
  level: LogLevel = 'info',
  write: Write = (line) => process.stderr.write(`${line}\n`),
  scope = '',
): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const log =
    (lineLevel: Exclude<LogLevel, 'silent'>) =>
    (message: string, ...details: unknown[]) => {
      if (LOG_LEVELS.indexOf(lineLevel) > threshold) return;
      const prefix = scope ? `[${scope}] ` : '';
      const rest = details.map(formatDetail).join(' ');
      write(`${lineLevel.padEnd(5)} ${prefix}${message}${rest ? ` ${rest}` : ''}`);
    };
  return {
    error: log('error'),
    warn: log('warn'),
    info: log('info'),
    debug: log('debug'),
    child: (child) => createLogger(level, write, scope ? `${scope}:${child}` : child),
  };
}

function formatDetail(detail: unknown): string {
  if (detail instanceof Error) return detail.stack ?? detail.message;
  if (typeof detail === 'string') return detail;
  try {
    return JSON.stringify(detail);
  } catch {
    return String(detail);
  }
}

export const silentLogger: Logger = createLogger('silent');
