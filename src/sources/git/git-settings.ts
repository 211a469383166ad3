import { z } from 'zod';
import { integerSetting } from '../../core/setting-schemas.js';

/** The `git` section of the settings: how the git source refreshes and caps diffs. */
export const gitSettingsSchema = z
  .object({
    debounceMs: integerSetting(0, 60_000),
    maxDiffBytes: integerSetting(1024, 64 * 1024 * 1024),
  })
  .partial()
  .strict();

export type GitSettings = z.infer<typeof gitSettingsSchema>;
