import { z } from 'zod';
import type { MethodName, MethodParams, MethodResult } from '../protocol/index.js';

/** Who is calling a method. */
export interface MethodCaller {
  clientId: string;
  /** Aborted when the caller disconnects or the call times out. */
  signal: AbortSignal;
  /** The `Origin` and `Host` headers of the caller's WebSocket upgrade (a browser's page). */
  origin?: string;
  host?: string;
}

export interface MethodDefinition<P = unknown, R = unknown> {
  name: string;
  /** Validates `params`; failures answer INVALID_PARAMS naming the field. */
  params: z.ZodType<P>;
  handler(params: P, caller: MethodCaller): R | Promise<R>;
  /** Overrides the registry's default timeout. */
  timeoutMs?: number;
}

/**
 * A method's definition, checked against the protocol when its name is one of `MethodMap`'s
 * (as vscode-jsonrpc's `RequestType` ties a request's params and result to its name): the
 * schema must accept every params the protocol allows, and the handler must return the
 * protocol's result. Other names (an embedding app's own methods) take any schema and result.
 */
export type TypedMethodDefinition<M extends string, P, I> = {
  name: M;
  /** Validates `params`; failures answer INVALID_PARAMS naming the field. */
  params: z.ZodType<P, I>;
  handler(params: P, caller: MethodCaller): ResultOf<M> | Promise<ResultOf<M>>;
  /** Overrides the registry's default timeout. */
  timeoutMs?: number;
} & AcceptsProtocolParams<M, I>;

type ResultOf<M extends string> = M extends MethodName ? MethodResult<M> : unknown;

/** Turns a schema that refuses some of the protocol's params into a type error on `params`. */
type AcceptsProtocolParams<M extends string, I> = M extends MethodName
  ? [MethodParams<M>] extends [I]
    ? unknown
    : { params: ['the params schema refuses params that MethodMap allows for', M] }
  : unknown;

/** Keeps a definition's params, handler and result tied together and to `MethodMap`. */
export function defineMethod<M extends string, P, I>(
  definition: TypedMethodDefinition<M, P, I>,
): MethodDefinition {
  return definition as unknown as MethodDefinition;
}

/** Params for methods that take none: absent, null or an empty object. */
export const noParams = z
  .union([z.undefined(), z.null(), z.object({}).strict()])
  .transform(() => undefined);
