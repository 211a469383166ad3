/** Error codes (in `error` messages and failed responses) and WebSocket close codes. */

export const ERROR_CODES = [
  'INVALID_MESSAGE',
  'UNKNOWN_CHANNEL',
  'UNKNOWN_METHOD',
  'INVALID_PARAMS',
  'HANDLER_ERROR',
  'TIMEOUT',
  'RATE_LIMITED',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'PAYLOAD_TOO_LARGE',
  'UNAVAILABLE',
  'CONNECTION_CLOSED',
  'CANCELLED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const CLOSE_CODES = {
  /** Normal closure, e.g. the client called `close()`. */
  NORMAL: 1000,
  /** The server is shutting down. */
  GOING_AWAY: 1001,
  /** A frame broke the WebSocket protocol (reserved bits, bad opcode, unmasked, ...). */
  PROTOCOL_ERROR: 1002,
  /** A text frame that is not valid UTF-8. */
  INVALID_PAYLOAD: 1007,
  /** Sustained flooding well past the rate limit. */
  POLICY_VIOLATION: 1008,
  /** An inbound frame larger than the maximum payload. */
  MESSAGE_TOO_BIG: 1009,
  /** The client did not read fast enough; reconnect and resume with `since`. */
  SLOW_CONSUMER: 4008,
} as const;

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}
