import type { ErrorBody, ErrorCode } from '../protocol/index.js';

/**
 * Every error the client library reports: a server `error` or failed `response` (with the
 * server's code, message and details), or a local failure — `TIMEOUT` when a request was not
 * answered in time, `CONNECTION_CLOSED` when the client closed (or gave up) while it waited,
 * `UNAUTHORIZED`/`FORBIDDEN` when the server refused the handshake.
 */
export class SidecarClientError extends Error {
  /** Machine-readable reason, one of the protocol's error codes. */
  readonly code: ErrorCode;
  /** Extra facts from the server (e.g. the offending field) or from the client. */
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    details?: Record<string, unknown>,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'SidecarClientError';
    this.code = code;
    this.details = details;
  }

  /** Wraps an error body as the server sent it. */
  static fromBody(body: ErrorBody): SidecarClientError {
    return new SidecarClientError(body.code, body.message, body.details);
  }

  /** The error as a protocol error body, e.g. to log or forward it. */
  toJSON(): ErrorBody {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}

/** True for a `SidecarClientError`, optionally of one code. */
export function isSidecarClientError(
  error: unknown,
  code?: ErrorCode,
): error is SidecarClientError {
  return error instanceof SidecarClientError && (code === undefined || error.code === code);
}
