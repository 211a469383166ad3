import { z } from 'zod';

/** Who is calling a method. */
export interface MethodCaller {
  clientId: string;
  /** Aborted when the caller disconnects or the call times out. */
  signal: AbortSignal;
}

export interface MethodDefinition<P = unknown, R = unknown> {
  name: string;
  /** Validates `params`; failures answer INVALID_PARAMS naming the field. */
  params: z.ZodType<P>;
  handler(params: P, caller: MethodCaller): R | Promise<R>;
  /** Overrides the registry's default timeout. */
  timeoutMs?: number;
}

/** Helper that keeps a definition's params and handler types tied together. */
export function defineMethod<P, R>(definition: MethodDefinition<P, R>): MethodDefinition {
  return definition as unknown as MethodDefinition;
}

/** Params for methods that take none: absent, null or an empty object. */
export const noParams = z
  .union([z.undefined(), z.null(), z.object({}).strict()])
  .transform(() => undefined);
