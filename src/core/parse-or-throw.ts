import type { z } from 'zod';
import { SidecarError } from './errors.js';

/** Parses `value` with `schema`, or throws a coded error whose details name the bad field. */
export function parseOrThrow<T>(
  schema: z.ZodType<T>,
  value: unknown,
  code: 'INVALID_PARAMS' | 'INVALID_MESSAGE',
  what: string,
): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    field: issue.path.join('.') || '(root)',
    message: issue.message,
  }));
  const first = issues[0]!;
  const where = first.field === '(root)' ? what : `${what}: "${first.field}"`;
  throw new SidecarError(code, `${where}: ${first.message}`, { field: first.field, issues });
}
