import { z } from 'zod';
import { integerSetting } from '../../core/setting-schemas.js';

/** The `search` section of the settings: the engine and the limits of each search. */
export const searchSettingsSchema = z
  .object({
    engine: z.enum(['auto', 'ripgrep', 'builtin'], {
      error: 'expected one of auto, ripgrep, builtin',
    }),
    ripgrepPath: z.string().min(1, 'must not be empty'),
    maxResults: integerSetting(1, 20_000),
    maxFileSize: integerSetting(1, 2 ** 40),
    maxConcurrentPerClient: integerSetting(1, 100),
    builtinUpTo: integerSetting(0, 1_000_000_000),
  })
  .partial()
  .strict();

export type SearchSettings = z.infer<typeof searchSettingsSchema>;
