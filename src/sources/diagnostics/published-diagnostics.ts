/**
 * Diagnostics a client publishes as a server of its own (an IDE extension: `vscode`), taken
 * into the same store as the language servers' sets, so they combine per (file, server).
 */
import { posix } from 'node:path';
import { z } from 'zod';
import { SidecarError } from '../../core/errors.js';
import { parseOrThrow } from '../../core/parse-or-throw.js';
import { type Diagnostic, EDITOR_DIAGNOSTICS_SERVER_PATTERN } from '../../protocol/index.js';

const position = z.object({
  line: z.number().int().nonnegative(),
  character: z.number().int().nonnegative(),
});

const diagnostic = z.object({
  range: z.object({ start: position, end: position }),
  severity: z.enum(['error', 'warning', 'info', 'hint']),
  message: z.string().max(16_384),
  code: z.union([z.string().max(256), z.number()]).optional(),
  source: z.string().max(256).optional(),
});

const publishedSet = z.object({
  file: z
    .string()
    .min(1)
    .max(4096)
    .refine((file) => file === posix.normalize(file) && !/^(\/|\.\.(\/|$))/.test(file), {
      message: 'must be a normalized path relative to the workspace root',
    }),
  server: z.string().regex(EDITOR_DIAGNOSTICS_SERVER_PATTERN, {
    message: 'must be 1–32 characters from a–z 0–9 . _ -, starting with a letter or digit',
  }),
  diagnostics: z.array(diagnostic).max(10_000),
});

export interface PublishedSet {
  file: string;
  server: string;
  diagnostics: Diagnostic[];
}

/** Checks a published `updated` set; a server name of the sidecar's own is refused. */
export function parsePublishedSet(
  event: string,
  data: unknown,
  ownServers: ReadonlySet<string>,
): PublishedSet {
  if (event !== 'updated') {
    throw new SidecarError('INVALID_PARAMS', 'diagnostics are published as "updated" events', {
      field: 'event',
    });
  }
  const set = parseOrThrow(publishedSet, data, 'INVALID_PARAMS', 'diagnostics data');
  if (ownServers.has(set.server)) {
    throw new SidecarError(
      'FORBIDDEN',
      `"${set.server}" is one of the sidecar's own language servers: publish under a name of your own`,
      { field: 'server', server: set.server },
    );
  }
  return set as PublishedSet;
}
