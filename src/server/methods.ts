import { z } from 'zod';
import { SidecarError } from './errors.js';
import { parseOrThrow } from './validation.js';

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

export interface MethodRegistry {
  register(definition: MethodDefinition): void;
  has(name: string): boolean;
  names(): string[];
  /** Validates params and runs the handler; throws SidecarError with the protocol's codes. */
  call(name: string, params: unknown, caller: MethodCaller): Promise<unknown>;
}

export function createMethodRegistry(defaultTimeoutMs = 30_000): MethodRegistry {
  const methods = new Map<string, MethodDefinition>();
  return {
    register(definition) {
      if (methods.has(definition.name)) {
        throw new Error(`method ${definition.name} is registered twice`);
      }
      methods.set(definition.name, definition);
    },
    has: (name) => methods.has(name),
    names: () => [...methods.keys()].sort(),
    async call(name, rawParams, caller) {
      const method = methods.get(name);
      if (!method) {
        throw new SidecarError('UNKNOWN_METHOD', `unknown method "${name}"`, {
          method: name,
          methods: [...methods.keys()].sort(),
        });
      }
      const params = parseOrThrow(method.params, rawParams, 'INVALID_PARAMS', 'params');
      const timeoutMs = method.timeoutMs ?? defaultTimeoutMs;
      const timedOut = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          // Settle first, so a handler that gives up on abort cannot win the race.
          reject(new SidecarError('TIMEOUT', `${name} did not finish within ${timeoutMs} ms`));
          timedOut.abort();
        }, timeoutMs);
      });
      const signal = AbortSignal.any([caller.signal, timedOut.signal]);
      try {
        return await Promise.race([
          Promise.resolve(method.handler(params, { ...caller, signal })),
          timeout,
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
