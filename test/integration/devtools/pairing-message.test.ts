/**
 * What the extension's service worker accepts from a page, on its own: the rules that keep a
 * pairing to the sidecar that served the page (docs/security.md, "Pairing the DevTools
 * extension").
 */
import { describe, expect, it } from 'vitest';
import { decidePairingMessage } from '../../../extensions/devtools/pairing-message.js';

const EXTENSION = { name: 'sidecar DevTools', version: '0.1.0' };
const DASHBOARD = 'http://127.0.0.1:41234';
const decide = (message: unknown, origin: string | undefined = DASHBOARD) =>
  decidePairingMessage(message, origin, EXTENSION, 1_000);
const decideWithoutOrigin = (message: unknown) =>
  decidePairingMessage(message, undefined, EXTENSION, 1_000);

describe('the pairing message rules', () => {
  it('answers a ping from a loopback page with its name and version, and stores nothing', () => {
    expect(decide({ type: 'sidecar.ping' })).toEqual({
      ok: true,
      reply: { ok: true, name: 'sidecar DevTools', version: '0.1.0' },
    });
  });

  it('keeps the WebSocket URL and token of the server that served the page', () => {
    const decision = decide({ type: 'sidecar.pair', url: `ws://127.0.0.1:41234/ws`, token: 't0k' });
    expect(decision).toEqual({
      ok: true,
      pairing: { url: 'ws://127.0.0.1:41234/ws', token: 't0k', origin: DASHBOARD, pairedAt: 1_000 },
      reply: { ok: true, url: 'ws://127.0.0.1:41234/ws' },
    });
    // A server started without authentication has no token.
    expect(
      decide(
        { type: 'sidecar.pair', url: 'ws://localhost:5000/ws', token: null },
        'http://localhost:5000',
      ),
    ).toMatchObject({ ok: true, pairing: { url: 'ws://localhost:5000/ws', token: null } });
  });

  it('refuses pages that are not on 127.0.0.1 or localhost over http', () => {
    for (const origin of [
      'https://example.com',
      'http://127.0.0.1.example.com:41234',
      'https://127.0.0.1:41234',
      'chrome-extension://abcdefghijklmnopabcdefghijklmnop',
      'null',
    ]) {
      expect(decide({ type: 'sidecar.ping' }, origin)).toEqual({
        ok: false,
        error: { code: 'FORBIDDEN', message: expect.stringContaining('127.0.0.1 or localhost') },
      });
    }
    expect(decideWithoutOrigin({ type: 'sidecar.ping' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });

  it('refuses a URL of another server than the page’s own, or not a plain ws:// URL', () => {
    for (const url of [
      'ws://127.0.0.1:9999/ws', // another port: another local server
      'ws://localhost:41234/ws', // another host name than the page used
      'wss://127.0.0.1:41234/ws',
      'http://127.0.0.1:41234/ws',
      'ws://127.0.0.1:41234/ws?token=x',
      'ws://user:pw@127.0.0.1:41234/ws',
      'not a url',
      42,
      undefined,
    ]) {
      expect(decide({ type: 'sidecar.pair', url, token: 't' })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_PARAMS', message: expect.stringContaining('url must be') },
      });
    }
  });

  it('refuses an empty, overlong or non-string token, and messages it does not know', () => {
    const url = 'ws://127.0.0.1:41234/ws';
    for (const token of ['', 'x'.repeat(1025), 12, {}]) {
      expect(decide({ type: 'sidecar.pair', url, token })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_PARAMS', message: expect.stringContaining('token') },
      });
    }
    for (const message of [null, 'sidecar.pair', [], {}, { type: 'sidecar.unknown' }]) {
      expect(decide(message)).toMatchObject({ ok: false, error: { code: 'INVALID_PARAMS' } });
    }
  });
});
