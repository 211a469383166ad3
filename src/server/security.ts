import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** A fresh token: 192 random bits, base64url. */
export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

export function isLoopbackAddress(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

/** Splits a Host header value into its host part, lowercased, keeping IPv6 brackets. */
export function hostnameOf(hostHeader: string): string {
  const value = hostHeader.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end === -1 ? value : value.slice(0, end + 1);
  }
  const colon = value.indexOf(':');
  return colon === -1 ? value : value.slice(0, colon);
}

/** `*` matches any run of characters; everything else is literal. */
export function wildcardToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'i');
}

export interface AccessPolicy {
  /** DNS-rebinding defence: the Host header must name a loopback or allowed host. */
  isHostAllowed(hostHeader: string | undefined): boolean;
  /** Cross-site WebSocket hijacking defence: a present Origin must be ours or allowed. */
  isOriginAllowed(origin: string | undefined, hostHeader: string | undefined): boolean;
  /** Constant-time check of the bearer header or `?token=`. Always true with auth off. */
  isAuthorized(request: IncomingMessage): boolean;
  /** Allows one exact origin from now on, for this server's lifetime (`server.pair`). */
  allowOrigin(origin: string): void;
  readonly token: string | null;
}

export interface AccessPolicyOptions {
  /** null turns authentication off. */
  token: string | null;
  allowHosts: readonly string[];
  allowOrigins: readonly string[];
}

export function createAccessPolicy(options: AccessPolicyOptions): AccessPolicy {
  const allowedHosts = new Set([
    ...LOOPBACK_HOSTS,
    ...options.allowHosts.map((h) => h.toLowerCase()),
  ]);
  const originPatterns = options.allowOrigins.map(wildcardToRegExp);
  const pairedOrigins = new Set<string>();
  // Hashing both sides gives equal lengths, so timingSafeEqual never leaks the token's length.
  const expectedDigest = options.token === null ? null : digest(options.token);

  const isHostAllowed = (hostHeader: string | undefined) =>
    hostHeader !== undefined && allowedHosts.has(hostnameOf(hostHeader));

  return {
    token: options.token,
    isHostAllowed,
    isOriginAllowed(origin, hostHeader) {
      if (origin === undefined) return true;
      // Our own origin: the page the sidecar serves, at the host the browser used to reach it.
      if (hostHeader && (origin === `http://${hostHeader}` || origin === `https://${hostHeader}`)) {
        return isHostAllowed(hostHeader);
      }
      if (pairedOrigins.has(origin.toLowerCase())) return true;
      return originPatterns.some((pattern) => pattern.test(origin));
    },
    allowOrigin(origin) {
      pairedOrigins.add(origin.toLowerCase());
    },
    isAuthorized(request) {
      if (expectedDigest === null) return true;
      const presented = presentedToken(request);
      return presented !== undefined && timingSafeEqual(digest(presented), expectedDigest);
    },
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function presentedToken(request: IncomingMessage): string | undefined {
  // Auth schemes are case-insensitive (RFC 9110).
  const bearer = /^bearer\s+(.+)$/i.exec(request.headers.authorization ?? '');
  if (bearer) return bearer[1]!.trim();
  const query = request.url?.split('?')[1];
  if (!query) return undefined;
  return new URLSearchParams(query).get('token') ?? undefined;
}
