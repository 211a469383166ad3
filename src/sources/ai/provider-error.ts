/**
 * Turns what goes wrong with a provider (an HTTP error status, an error event in the stream, a
 * dropped connection) into a coded error for the stream's `error` event. Every message passes
 * through the redactor: providers echo keys back (OpenAI's 401 names the key it got).
 */

import type { ErrorBody, ErrorCode } from '../../protocol/index.js';
import type { Redact } from './redact.js';

export class ProviderError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ProviderError';
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** Longest provider message passed on (cut after redaction, so no key is cut in half). */
const MAX_MESSAGE_CHARS = 500;
/** Longest error body read from a provider. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** Provider error types (Anthropic's `error.type`, OpenAI's `error.type`/`code`) → our codes. */
const CODE_OF_TYPE: Readonly<Record<string, ErrorCode>> = {
  authentication_error: 'UNAUTHORIZED',
  invalid_api_key: 'UNAUTHORIZED',
  permission_error: 'FORBIDDEN',
  rate_limit_error: 'RATE_LIMITED',
  rate_limit_exceeded: 'RATE_LIMITED',
  insufficient_quota: 'RATE_LIMITED',
  invalid_request_error: 'INVALID_PARAMS',
  request_too_large: 'PAYLOAD_TOO_LARGE',
  not_found_error: 'UNAVAILABLE',
  overloaded_error: 'UNAVAILABLE',
  api_error: 'UNAVAILABLE',
  timeout_error: 'TIMEOUT',
};

function codeOfStatus(status: number): ErrorCode {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 408 || status === 504) return 'TIMEOUT';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 400 || status === 422) return 'INVALID_PARAMS';
  // 404 (a wrong base URL or model), 5xx, Anthropic's 529 "overloaded".
  return 'UNAVAILABLE';
}

/** An HTTP response that is not a stream: status, the provider's own message, retry-after. */
export async function errorFromResponse(
  response: Response,
  provider: string,
  redact: Redact,
): Promise<ProviderError> {
  const body = await readLimited(response);
  const parsed = parseProviderError(body);
  const details: Record<string, unknown> = { provider, status: response.status };
  if (parsed.type) details.type = redact(parsed.type);
  const retryAfterMs = retryAfter(response.headers);
  if (retryAfterMs !== undefined) details.retryAfterMs = retryAfterMs;
  const what = parsed.message ?? (response.statusText || 'no message');
  const retry =
    retryAfterMs === undefined ? '' : `; retry after ${Math.ceil(retryAfterMs / 1000)} s`;
  return new ProviderError(
    codeOfStatus(response.status),
    `${provider} answered HTTP ${response.status}: ${clip(redact(what))}${retry}`,
    details,
  );
}

/** An error object sent inside the stream (Anthropic `event: error`, OpenAI-compatible `{"error":…}`). */
export function errorFromStreamEvent(
  error: unknown,
  provider: string,
  redact: Redact,
): ProviderError {
  const parsed = describeErrorObject(error);
  const code = (parsed.type && CODE_OF_TYPE[parsed.type]) || 'UNAVAILABLE';
  const details: Record<string, unknown> = { provider };
  if (parsed.type) details.type = redact(parsed.type);
  return new ProviderError(
    code,
    `${provider} reported an error mid-stream: ${clip(redact(parsed.message ?? 'no message'))}`,
    details,
  );
}

/** A failure of the connection itself: refused before the answer, or dropped during it. */
export function errorFromNetwork(
  error: unknown,
  provider: string,
  redact: Redact,
  during: 'request' | 'stream',
): ProviderError {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const reason = cause?.message || cause?.code || (error as Error)?.message || String(error);
  const what =
    during === 'stream'
      ? `the connection to ${provider} dropped mid-stream`
      : `cannot reach ${provider}`;
  return new ProviderError('UNAVAILABLE', `${what}: ${clip(redact(reason))}`, { provider });
}

export function incompleteStream(provider: string): ProviderError {
  return new ProviderError(
    'UNAVAILABLE',
    `${provider} closed the stream before it finished (the connection dropped mid-answer)`,
    { provider },
  );
}

/** `retry-after-ms` (OpenAI), else `retry-after` in seconds or as an HTTP date. */
export function retryAfter(headers: Headers): number | undefined {
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.has('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

async function readLimited(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < MAX_ERROR_BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // A body cut short still says something; what arrived is enough.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text;
}

function parseProviderError(body: string): { message?: string; type?: string } {
  try {
    const json = JSON.parse(body) as { error?: unknown; message?: unknown };
    if (json && typeof json === 'object') {
      if (json.error !== undefined) return describeErrorObject(json.error);
      if (typeof json.message === 'string') return { message: json.message };
    }
  } catch {
    // Not JSON: a proxy's HTML page or plain text.
  }
  const text = body.trim();
  return text ? { message: text } : {};
}

/** `{ type, message }` (Anthropic), `{ message, type, code }` (OpenAI), or a bare string. */
function describeErrorObject(error: unknown): { message?: string; type?: string } {
  if (typeof error === 'string') return { message: error };
  if (!error || typeof error !== 'object') return {};
  const { message, type, code } = error as Record<string, unknown>;
  const typeName =
    typeof code === 'string' && CODE_OF_TYPE[code]
      ? code
      : typeof type === 'string'
        ? type
        : undefined;
  return {
    message: typeof message === 'string' ? message : undefined,
    type: typeName,
  };
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_MESSAGE_CHARS ? `${flat.slice(0, MAX_MESSAGE_CHARS)}…` : flat;
}
