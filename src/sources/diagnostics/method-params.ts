/** The params of the diagnostics source's methods, `diagnostics.get` and `diagnostics.wait`. */

import { posix } from 'node:path';
import { z } from 'zod';

/** The longest `diagnostics.wait` may wait. */
const MAX_WAIT_MS = 10 * 60_000;

/** A root-relative file name; `./src/a.ts` and `src\\a.ts` are taken too. */
const relativeFile = z
  .string()
  .min(1)
  .max(4096)
  .transform((file) => posix.normalize(file.replaceAll('\\', '/')))
  .refine((file) => !/^(\/|\.\.(\/|$)|[A-Za-z]:)/.test(file), {
    message: 'must be a path relative to the workspace root, inside it',
  });

/** `diagnostics.get` params: an optional root-relative file. */
export const getParams = z
  .union([z.undefined(), z.null(), z.object({ file: relativeFile.optional() }).strict()])
  .transform((params) => params ?? {});

/** `diagnostics.wait` params: files to wait for (all when absent) and how long at most. */
export const waitParams = z
  .union([
    z.undefined(),
    z.null(),
    z
      .object({
        files: z.array(relativeFile).max(10_000).optional(),
        timeoutMs: z.number().int().min(0).max(MAX_WAIT_MS).optional(),
      })
      .strict(),
  ])
  .transform((params) => params ?? {});
