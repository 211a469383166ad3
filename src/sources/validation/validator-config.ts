/**
 * The `validation` section of the settings: which checks to run, how to read their output, and
 * how many may run at once. Checked by the strict settings schema, then normalized once into
 * frozen options the source uses as they are.
 */

import { availableParallelism } from 'node:os';
import { z } from 'zod';

export const VALIDATOR_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const BUILTIN_MATCHERS = ['tsc', 'eslint-json', 'generic'] as const;
export type BuiltinMatcherName = (typeof BUILTIN_MATCHERS)[number];
export const SEVERITIES = ['error', 'warning', 'info', 'hint'] as const;

export const VALIDATOR_DEFAULTS = Object.freeze({
  matcher: 'generic' as BuiltinMatcherName,
  /** Any change the `files` channel reports (it already skips what git ignores). */
  triggers: Object.freeze(['**/*']),
  debounceMs: 300,
  timeoutMs: 5 * 60_000,
  /** stdout and stderr together; past it the run is killed and marked `truncated`. */
  maxOutputBytes: 10 * 1024 * 1024,
});

const MAX_VALIDATORS = 50;
const MAX_GROUP = 99;

function wholeNumber(min: number, max: number) {
  const message = `expected a whole number from ${min} to ${max}`;
  return z.number({ error: message }).int(message).min(min, message).max(max, message);
}

const groupIndex = wholeNumber(1, MAX_GROUP);
const GROUP_KEYS = ['file', 'line', 'column', 'endLine', 'endColumn', 'message', 'code'] as const;

/** A regular expression applied to each output line; the numbers are its capture groups. */
const customMatcherSchema = z
  .object({
    regexp: z.string().min(1, 'must not be empty').max(2000),
    file: groupIndex,
    line: groupIndex,
    column: groupIndex.optional(),
    endLine: groupIndex.optional(),
    endColumn: groupIndex.optional(),
    /** A group holding the severity word, or one severity for every match. */
    severity: z
      .union([groupIndex, z.enum(SEVERITIES)], {
        error: `expected a group number or one of ${SEVERITIES.join(', ')}`,
      })
      .optional(),
    message: groupIndex,
    code: groupIndex.optional(),
  })
  .strict()
  .superRefine((matcher, ctx) => {
    let groups: number;
    try {
      // Matching the empty alternative tells how many groups the expression has.
      groups = new RegExp(`${matcher.regexp}|`).exec('')!.length - 1;
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        path: ['regexp'],
        message: `not a valid regular expression: ${(error as Error).message}`,
      });
      return;
    }
    const indexes: [string, unknown][] = GROUP_KEYS.map((key) => [key, matcher[key]]);
    indexes.push(['severity', matcher.severity]);
    for (const [key, index] of indexes) {
      if (typeof index === 'number' && index > groups) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `group ${index} does not exist: the regexp has ${groups} group${groups === 1 ? '' : 's'}`,
        });
      }
    }
  });
export type CustomMatcherConfig = z.infer<typeof customMatcherSchema>;

const matcherSchema = z.union([z.enum(BUILTIN_MATCHERS), customMatcherSchema], {
  error: `expected ${BUILTIN_MATCHERS.map((name) => `"${name}"`).join(', ')} or a custom matcher object`,
});
export type MatcherConfig = z.infer<typeof matcherSchema>;

const validatorSchema = z
  .object({
    name: z
      .string()
      .regex(VALIDATOR_NAME_PATTERN, 'expected 1 to 64 letters, digits, ".", "_" or "-"'),
    command: z.string().min(1, 'must not be empty').max(4096),
    args: z.array(z.string().max(32_768)).max(1000).optional(),
    matcher: matcherSchema.optional(),
    triggers: z.array(z.string().min(1, 'a glob must not be empty').max(1000)).max(100).optional(),
    debounceMs: wholeNumber(0, 600_000).optional(),
    timeoutMs: wholeNumber(100, 24 * 3_600_000).optional(),
    maxOutputBytes: wholeNumber(1024, 1024 * 1024 * 1024).optional(),
  })
  .strict();
export type ValidatorConfig = z.infer<typeof validatorSchema>;

const validatorListSchema = z
  .array(validatorSchema)
  .max(MAX_VALIDATORS, `at most ${MAX_VALIDATORS} validators`)
  .superRefine((validators, ctx) => {
    const seen = new Set<string>();
    validators.forEach((validator, index) => {
      if (seen.has(validator.name)) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'name'],
          message: `"${validator.name}" is used by two validators`,
        });
      }
      seen.add(validator.name);
    });
  });

/**
 * `validation: [validator…]`, or `validation: { validators?, maxConcurrent? }` to set the
 * concurrency too. Without `validators` the checks are auto-detected; `[]` turns them off.
 */
export const validationSettingsSchema = z.union(
  [
    validatorListSchema,
    z
      .object({
        validators: validatorListSchema.optional(),
        maxConcurrent: wholeNumber(1, 256).optional(),
      })
      .strict(),
  ],
  { error: 'expected a list of validators or { validators, maxConcurrent }' },
);
export type ValidationSettings = z.infer<typeof validationSettingsSchema>;

/** A validator with every default filled in. */
export interface ResolvedValidator {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly matcher: BuiltinMatcherName | Readonly<CustomMatcherConfig>;
  readonly triggers: readonly string[];
  readonly debounceMs: number;
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
}

export interface ResolvedValidationOptions {
  /** `null`: none configured, so they are auto-detected from the workspace at start. */
  readonly validators: readonly ResolvedValidator[] | null;
  readonly maxConcurrent: number;
}

export function resolveValidator(config: ValidatorConfig): ResolvedValidator {
  const matcher = config.matcher ?? VALIDATOR_DEFAULTS.matcher;
  return Object.freeze({
    name: config.name,
    command: config.command,
    args: Object.freeze([...(config.args ?? [])]),
    matcher: typeof matcher === 'string' ? matcher : Object.freeze({ ...matcher }),
    triggers: Object.freeze([...(config.triggers ?? VALIDATOR_DEFAULTS.triggers)]),
    debounceMs: config.debounceMs ?? VALIDATOR_DEFAULTS.debounceMs,
    timeoutMs: config.timeoutMs ?? VALIDATOR_DEFAULTS.timeoutMs,
    maxOutputBytes: config.maxOutputBytes ?? VALIDATOR_DEFAULTS.maxOutputBytes,
  });
}

export function resolveValidationOptions(
  settings: ValidationSettings | undefined,
): ResolvedValidationOptions {
  const section: Exclude<ValidationSettings, unknown[]> = Array.isArray(settings)
    ? { validators: settings }
    : (settings ?? {});
  return Object.freeze({
    validators: section.validators ? Object.freeze(section.validators.map(resolveValidator)) : null,
    maxConcurrent: section.maxConcurrent ?? availableParallelism(),
  });
}
