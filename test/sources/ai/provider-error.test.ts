import { describe, expect, it } from 'vitest';
import {
  errorFromNetwork,
  errorFromResponse,
  errorFromStreamEvent,
  retryAfter,
} from '../../../src/sources/ai/provider-error.js';
import { createRedactor } from '../../../src/sources/ai/redact.js';

const redact = createRedactor(['sk-secret-key', 'sk-secret']);

describe('provider errors', () => {
  it('reads retry-after-ms, retry-after seconds and retry-after dates', () => {
    expect(retryAfter(new Headers({ 'retry-after-ms': '1500', 'retry-after': '9' }))).toBe(1500);
    expect(retryAfter(new Headers({ 'retry-after': '2.5' }))).toBe(2500);
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    const fromDate = retryAfter(new Headers({ 'retry-after': inTenSeconds }));
    expect(fromDate).toBeGreaterThan(0);
    expect(fromDate).toBeLessThanOrEqual(10_000);
    expect(retryAfter(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfter(new Headers())).toBeUndefined();
  });

  it('keeps a non-JSON body short and scrubbed, and replaces the longest secret first', async () => {
    const page = `<html>${'x'.repeat(2000)} sk-secret-key </html>`;
    const error = await errorFromResponse(
      new Response(`sk-secret-key ${page}`, { status: 502, statusText: 'Bad Gateway' }),
      'p',
      redact,
    );
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message.startsWith('p answered HTTP 502: [redacted] <html>')).toBe(true);
    expect(error.message.length).toBeLessThan(600);
    expect(error.message).not.toContain('sk-secret');
    const empty = await errorFromResponse(
      new Response(null, { status: 404, statusText: 'Not Found' }),
      'p',
      redact,
    );
    expect(empty.message).toBe('p answered HTTP 404: Not Found');
  });

  it('maps provider error types to codes and scrubs network messages', () => {
    expect(
      errorFromStreamEvent({ type: 'rate_limit_error', message: 'slow down' }, 'p', redact).code,
    ).toBe('RATE_LIMITED');
    expect(errorFromStreamEvent({ code: 'invalid_api_key', message: 'no' }, 'p', redact).code).toBe(
      'UNAUTHORIZED',
    );
    expect(errorFromStreamEvent('plain text', 'p', redact).message).toBe(
      'p reported an error mid-stream: plain text',
    );
    const network = errorFromNetwork(
      Object.assign(new TypeError('fetch failed'), {
        cause: new Error('getaddrinfo ENOTFOUND sk-secret-key.example'),
      }),
      'p',
      redact,
      'request',
    );
    expect(network.toBody()).toEqual({
      code: 'UNAVAILABLE',
      message: 'cannot reach p: getaddrinfo ENOTFOUND [redacted].example',
      details: { provider: 'p' },
    });
  });
});
