import { SidecarError } from '../core/errors.js';
import type { MethodCaller, MethodDefinition } from '../core/methods.js';
import { parseOrThrow } from '../core/parse-or-throw.js';

/** How long a call may take unless its method says otherwise. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** The source a method belongs to: a call made while the source starts waits for its start. */
export interface MethodOwner {
  name: string;
  /** Settles once the owner's start has; undefined when it is not starting. */
  started(): Promise<void> | undefined;
}

export interface MethodRegistry {
  register(definition: MethodDefinition, owner?: MethodOwner): void;
  has(name: string): boolean;
  names(): string[];
  /** Validates params and runs the handler; throws SidecarError with the protocol's codes. */
  call(name: string, params: unknown, caller: MethodCaller): Promise<unknown>;
}

export function createMethodRegistry(
  defaultTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
): MethodRegistry {
  const methods = new Map<string, MethodDefinition>();
  const owners = new Map<string, MethodOwner>();
  return {
    register(definition, owner) {
      if (methods.has(definition.name)) {
        throw new Error(`method ${definition.name} is registered twice`);
      }
      methods.set(definition.name, definition);
      if (owner) owners.set(definition.name, owner);
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
      const owner = owners.get(name);
      let waitingFor: string | undefined;
      const timedOut = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const why = waitingFor ? `: the ${waitingFor} source is still starting` : '';
          // Settle first, so a handler that gives up on abort cannot win the race.
          reject(
            new SidecarError('TIMEOUT', `${name} did not finish within ${timeoutMs} ms${why}`),
          );
          timedOut.abort();
        }, timeoutMs);
      });
      const signal = AbortSignal.any([caller.signal, timedOut.signal]);
      const run = async () => {
        // A call made while its source starts is answered by the started source, not by a
        // source that does not know its state yet.
        const starting = owner?.started();
        if (starting) {
          waitingFor = owner!.name;
          await starting;
          waitingFor = undefined;
          // The caller left (or the call timed out) while it waited: nobody wants the answer.
          if (signal.aborted)
            throw new SidecarError('TIMEOUT', `${name} was not run: its caller is gone`);
        }
        return method.handler(params, { ...caller, signal });
      };
      try {
        return await Promise.race([run(), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
