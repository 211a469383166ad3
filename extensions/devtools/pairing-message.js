// @ts-check
/**
 * What the service worker accepts from a web page (`externally_connectable`), as a pure
 * function so it can be tested without a browser.
 *
 * - `{type: "sidecar.ping"}` → `{ok: true, name, version}`: lets the dashboard tell "installed"
 *   from "not installed" before it allows this extension's origin on its server.
 * - `{type: "sidecar.pair", url, token}` → the pairing to store: only from a loopback page,
 *   and only for the WebSocket of the server that served that page (same host and port), so
 *   another local page cannot point the panel at a server of its own under the sidecar's name.
 */

/** Pages that may message the extension; the manifest's `externally_connectable` says the same. */
const LOOPBACK_HOSTNAMES = new Set(['127.0.0.1', 'localhost']);
/** Longer than any token `sidecar serve` makes or a user would type. */
const MAX_TOKEN_LENGTH = 1024;

/**
 * @typedef {{ url: string, token: string | null, origin: string, pairedAt: number }} Pairing
 * @typedef {{ code: 'FORBIDDEN' | 'INVALID_PARAMS', message: string }} PairingError
 * @typedef {{ ok: true, pairing?: Pairing, reply: Record<string, unknown> }
 *   | { ok: false, error: PairingError }} PairingDecision
 */

/**
 * @param {unknown} message what the page sent
 * @param {string | undefined} senderOrigin the sending page's origin, as Chromium reports it
 * @param {{ name: string, version: string }} extension
 * @param {number} now
 * @returns {PairingDecision}
 */
export function decidePairingMessage(message, senderOrigin, extension, now) {
  const origin = loopbackOrigin(senderOrigin);
  if (!origin) {
    return refuse(
      'FORBIDDEN',
      `only a page on 127.0.0.1 or localhost may pair (got ${String(senderOrigin)})`,
    );
  }
  if (!isRecord(message) || typeof message.type !== 'string') {
    return refuse('INVALID_PARAMS', 'expected {type: "sidecar.ping" | "sidecar.pair", ...}');
  }
  if (message.type === 'sidecar.ping') {
    return { ok: true, reply: { ok: true, name: extension.name, version: extension.version } };
  }
  if (message.type !== 'sidecar.pair') {
    return refuse('INVALID_PARAMS', `unknown message type "${message.type}"`);
  }
  const url = sameHostWebSocketUrl(message.url, origin);
  if (!url) {
    return refuse(
      'INVALID_PARAMS',
      `url must be the ws:// URL of the server that served ${origin.href.replace(/\/$/, '')}`,
    );
  }
  const { token } = message;
  const tokenOk =
    token === null ||
    token === undefined ||
    (typeof token === 'string' && token.length > 0 && token.length <= MAX_TOKEN_LENGTH);
  if (!tokenOk) {
    return refuse(
      'INVALID_PARAMS',
      `token must be a non-empty string of at most ${MAX_TOKEN_LENGTH} characters, or null`,
    );
  }
  const pairing = {
    url,
    token: typeof token === 'string' ? token : null,
    origin: origin.origin,
    pairedAt: now,
  };
  return { ok: true, pairing, reply: { ok: true, url } };
}

/** The sender's origin as a URL when it is http on a loopback name, else null. */
function loopbackOrigin(/** @type {string | undefined} */ senderOrigin) {
  if (typeof senderOrigin !== 'string') return null;
  try {
    const parsed = new URL(senderOrigin);
    return parsed.protocol === 'http:' && LOOPBACK_HOSTNAMES.has(parsed.hostname) ? parsed : null;
  } catch {
    return null;
  }
}

/** `url` normalised when it is a ws:// URL at the sender's own host and port, else null. */
function sameHostWebSocketUrl(/** @type {unknown} */ url, /** @type {URL} */ origin) {
  if (typeof url !== 'string') return null;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'ws:' || parsed.host !== origin.host) return null;
    if (parsed.username || parsed.password || parsed.search || parsed.hash) return null;
    return parsed.href;
  } catch {
    return null;
  }
}

/** @returns {PairingDecision} */
function refuse(/** @type {PairingError['code']} */ code, /** @type {string} */ message) {
  return { ok: false, error: { code, message } };
}

/** @returns {value is Record<string, unknown>} */
function isRecord(/** @type {unknown} */ value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
