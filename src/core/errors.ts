import type { ErrorBody, ErrorCode } from '../protocol/index.js';

/** An error that carries a protocol error code; anything else thrown becomes HANDLER_ERROR. */
export class SidecarError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'SidecarError';
  }

  toBody(): ErrorBody {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}

export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof SidecarError) return error.toBody();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'HANDLER_ERROR', message };
}
