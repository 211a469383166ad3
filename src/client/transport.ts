/**
 * One WebSocket connection, whichever implementation runs it: the browser's global
 * `WebSocket` or the `ws` package in Node (loaded lazily, so browsers never see the import).
 * It turns both into three callbacks and hides their differences: how the token travels and
 * how a refused handshake shows.
 */
import { SidecarClientError } from './errors.js';
import type { WebSocketConstructor, WebSocketLike } from './types.js';

const CONNECTING = 0;
const OPEN = 1;

/** Why a socket closed. */
export interface SocketClosed {
  code: number;
  reason: string;
  /** The HTTP status of a refused handshake, when the implementation reveals it (`ws` does). */
  refusedStatus?: number;
}

export interface SocketCallbacks {
  /** A text frame; binary frames are not part of the protocol and are ignored. */
  onText(text: string): void;
  /** Called exactly once, whether the socket never opened or closed after opening. */
  onClose(closed: SocketClosed): void;
}

/** An open (or opening) socket. */
export interface SocketHandle {
  /** The raw socket, e.g. for tests that want to `terminate()` it. */
  readonly raw: WebSocketLike;
  /** Sends if the socket is open; false when it is not (the caller keeps the message). */
  send(text: string): boolean;
  close(code: number, reason: string): void;
}

/**
 * What a close means for the client: the error to report, and whether it is final. A handshake
 * refused with 401 or 403 is final — retrying cannot fix a wrong token or a refused origin.
 */
export function describeClose(closed: SocketClosed): { error: SidecarClientError; final: boolean } {
  const status = closed.refusedStatus;
  if (status === 401 || status === 403) {
    const code = status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN';
    const why = status === 401 ? 'missing or wrong token' : 'host or origin not allowed';
    const error = new SidecarClientError(
      code,
      `the server refused the connection (${status}: ${why})`,
      {
        status,
      },
    );
    return { error, final: true };
  }
  const details = { code: closed.code, reason: closed.reason };
  const error =
    status === undefined
      ? new SidecarClientError(
          'CONNECTION_CLOSED',
          `the connection closed (${closed.code}${closed.reason ? `: ${closed.reason}` : ''})`,
          details,
        )
      : new SidecarClientError(
          'CONNECTION_CLOSED',
          `the server refused the connection with HTTP ${status}`,
          {
            ...details,
            status,
          },
        );
  return { error, final: false };
}

/** The `ws`-only parts the transport uses when they exist. */
interface NodeWebSocketExtras {
  on(
    event: 'unexpected-response',
    listener: (req: unknown, res: { statusCode?: number }) => void,
  ): void;
  terminate(): void;
}

/** `ws` classes extend Node's EventEmitter; browser WebSockets have no `on` method. */
export function isNodeWebSocket(WebSocketClass: WebSocketConstructor): boolean {
  const proto = (WebSocketClass as { prototype?: { on?: unknown } }).prototype;
  return typeof proto?.on === 'function';
}

/**
 * The WebSocket class to use: the override, else `globalThis.WebSocket`, else the `ws`
 * package, imported on first use.
 */
export async function resolveWebSocket(
  override?: WebSocketConstructor,
): Promise<WebSocketConstructor> {
  if (override) return override;
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (typeof global === 'function') return global;
  try {
    const mod: { default?: unknown; WebSocket?: unknown } = await import('ws');
    const found = mod.WebSocket ?? mod.default;
    if (typeof found === 'function') return found as WebSocketConstructor;
  } catch (error) {
    throw new SidecarClientError(
      'CONNECTION_CLOSED',
      'no WebSocket implementation: globalThis.WebSocket is missing and the "ws" package could not be loaded',
      undefined,
      error,
    );
  }
  throw new SidecarClientError('CONNECTION_CLOSED', 'the "ws" package exports no WebSocket class');
}

/** The URL with `token` as its `token` query parameter (for browsers, which cannot set headers). */
export function withTokenParam(url: string, token: string): string {
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  const parsed = new URL(url, base);
  parsed.searchParams.set('token', token);
  return parsed.toString();
}

/**
 * Opens a socket to `url`, authenticating with `token` as the implementation allows:
 * an `Authorization: Bearer` header with `ws`, the `?token=` parameter in browsers.
 * Throws synchronously for a malformed URL.
 */
export function openSocket(
  WebSocketClass: WebSocketConstructor,
  url: string,
  token: string | undefined,
  callbacks: SocketCallbacks,
): SocketHandle {
  const node = isNodeWebSocket(WebSocketClass);
  const Construct = WebSocketClass as unknown as new (
    url: string,
    options?: unknown,
  ) => WebSocketLike;
  let raw: WebSocketLike;
  if (token === undefined) raw = new Construct(url);
  else if (node) raw = new Construct(url, { headers: { Authorization: `Bearer ${token}` } });
  else raw = new Construct(withTokenParam(url, token));

  let refusedStatus: number | undefined;
  let closed = false;
  if (node) {
    const extras = raw as unknown as NodeWebSocketExtras;
    // With a listener here, ws leaves the failed handshake to us: note the status, then abort.
    extras.on('unexpected-response', (_req, res) => {
      refusedStatus = res.statusCode;
      extras.terminate();
    });
  }
  const finish = (code: number, reason: string) => {
    if (closed) return;
    closed = true;
    callbacks.onClose({
      code,
      reason,
      ...(refusedStatus === undefined ? {} : { refusedStatus }),
    });
  };
  raw.addEventListener('message', (event: { data: unknown }) => {
    if (!closed && typeof event.data === 'string') callbacks.onText(event.data);
  });
  raw.addEventListener('close', (event: { code?: unknown; reason?: unknown }) => {
    finish(
      typeof event.code === 'number' ? event.code : 1006,
      typeof event.reason === 'string' ? event.reason : '',
    );
  });
  // Listening also keeps ws from throwing the error as an unhandled EventEmitter 'error'.
  raw.addEventListener('error', () => {
    // Browsers and ws follow an error with a close event in the same task. Node 20's
    // experimental WebSocket reports a failed handshake with the error alone and stays
    // CONNECTING forever; without this the client would wait for a close that never comes.
    if (raw.readyState !== CONNECTING) return;
    setTimeout(() => {
      if (closed) return;
      try {
        raw.close();
      } catch {
        // Nothing left to close.
      }
      finish(1006, 'connection failed');
    }, 0);
  });

  return {
    raw,
    send(text) {
      if (closed || raw.readyState !== OPEN) return false;
      try {
        raw.send(text);
        return true;
      } catch {
        return false;
      }
    },
    close(code, reason) {
      try {
        raw.close(code, reason);
      } catch {
        // Already closing, or a browser refusing the code: the close event still comes.
      }
    },
  };
}
