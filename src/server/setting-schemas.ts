import { z } from 'zod';

/*
 * Schema pieces shared by the settings of the server and of each source. Numbers arrive as
 * strings from flags and variables, so they are coerced; each message says what is wanted.
 */

export function numberSetting(min: number, max: number) {
  const message = `expected a number from ${min} to ${max}`;
  return z.coerce.number({ error: message }).min(min, message).max(max, message);
}

export function integerSetting(min: number, max: number) {
  const message = `expected a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: message }).int(message).min(min, message).max(max, message);
}
