import { z } from 'zod';
import { integerSetting } from '../../core/setting-schemas.js';

/** The `files` section of the settings: which watcher engine, and how it treats symbolic links. */
export const filesSettingsSchema = z
  .object({
    engine: z.enum(['auto', 'chokidar', 'native'], {
      error: 'expected one of auto, chokidar, native',
    }),
    followSymlinks: z.boolean(),
    nativeAbove: integerSetting(0, 100_000_000),
  })
  .partial()
  .strict();

export type FilesSettings = z.infer<typeof filesSettingsSchema>;

export const FILES_DEFAULTS = Object.freeze({
  engine: 'auto',
  followSymlinks: false,
  /** Past this many files (not ignored), `auto` picks the native engine. */
  nativeAbove: 10_000,
} as const);
