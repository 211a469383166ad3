import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Serves a few read-only folders under URL prefixes; nothing outside them is reachable. */
export interface StaticFiles {
  /** Starts answering and returns true when `pathname` is one of its files. */
  serve(pathname: string, request: IncomingMessage, response: ServerResponse): boolean;
}

export interface Mount {
  /** URL prefix ending in `/`, e.g. `/lib/`. */
  prefix: string;
  /** Absolute folder. */
  dir: string;
  /** Which relative paths under `dir` may be served. */
  allow?: (relativePath: string) => boolean;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** The page may load only its own scripts, styles and images, and talk only to this server. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The package's own folder, whether this runs from `src/` or the built `dist/`. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function createStaticFiles(mounts: Mount[]): StaticFiles {
  return {
    serve(pathname, request, response) {
      const target = resolve(mounts, pathname === '/' ? '/index.html' : pathname);
      if (!target) return false;
      stat(target)
        .then((info) => {
          if (!info.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOENT' });
          return readFile(target);
        })
        .then((body) => {
          const headers: Record<string, string | number> = {
            'Content-Type': CONTENT_TYPES[extname(target)] ?? 'application/octet-stream',
            'Content-Length': body.length,
          };
          if (target.endsWith('.html')) {
            headers['Content-Security-Policy'] = CONTENT_SECURITY_POLICY;
            headers['Referrer-Policy'] = 'no-referrer';
          }
          response.writeHead(200, headers);
          response.end(request.method === 'HEAD' ? undefined : body);
        })
        .catch(() => {
          response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
          response.end('not found\n');
        });
      return true;
    },
  };
}

function resolve(mounts: Mount[], pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  for (const mount of mounts) {
    if (!decoded.startsWith(mount.prefix)) continue;
    const relative = normalize(decoded.slice(mount.prefix.length)).replace(/^([/\\])+/, '');
    if (relative.startsWith('..') || relative.split(sep).includes('..')) return undefined;
    if (mount.allow && !mount.allow(relative.split(sep).join('/'))) return undefined;
    const absolute = join(mount.dir, relative);
    if (!absolute.startsWith(mount.dir)) return undefined;
    return absolute;
  }
  return undefined;
}
