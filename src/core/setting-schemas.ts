import { z } from 'zod';

/*
 * Schema pieces shared by the settings of the server and of each source. Numbers arrive as
 * strings from flags and variables, so text is turned into a number; each message says what is
 * wanted.
 */

/**
 * Plain decimal text, as a person writes a port or a limit. `Number()` alone would also take
 * `""` and `" "` (as 0), `1e3`, `0x10` and `Infinity`; those stay text here and are refused.
 */
const DECIMAL = /^-?\d+(\.\d+)?$/;

/** A number given as decimal text becomes that number; anything else is left for the schema. */
function fromDecimalText(value: unknown): unknown {
  return typeof value === 'string' && DECIMAL.test(value) ? Number(value) : value;
}

export function numberSetting(min: number, max: number) {
  const message = `expected a number from ${min} to ${max}`;
  return z.preprocess(
    fromDecimalText,
    z.number({ error: message }).min(min, message).max(max, message),
  );
}

export function integerSetting(min: number, max: number) {
  const message = `expected a whole number from ${min} to ${max}`;
  return z.preprocess(
    fromDecimalText,
    z.number({ error: message }).int(message).min(min, message).max(max, message),
  );
}
