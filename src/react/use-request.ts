/**
 * `useRequest(method, params)`: calls a server method when the component mounts and again when
 * the method or the params (compared as JSON) change, aborting the call it no longer needs.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { MethodName, MethodParams, MethodResult } from '../protocol/index.js';
import { useSidecarClient } from './context.js';

export interface RequestState<T> {
  loading: boolean;
  /** The last call's failure (a `SidecarClientError` with the server's code), or null. */
  error: Error | null;
  /** The last successful result; kept while a new call loads. */
  result: T | undefined;
  /** Calls again with the same params. */
  refresh(): void;
}

export function useRequest<M extends MethodName | (string & {})>(
  method: M,
  params?: MethodParams<M>,
): RequestState<MethodResult<M>> {
  const client = useSidecarClient();
  const [state, setState] = useState<Omit<RequestState<MethodResult<M>>, 'refresh'>>({
    loading: true,
    error: null,
    result: undefined,
  });
  const [round, setRound] = useState(0);
  const key = JSON.stringify(params ?? null);
  const latestParams = useRef(params);
  latestParams.current = params;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the params; `round` is a refresh
  useEffect(() => {
    const controller = new AbortController();
    setState((previous) => ({ loading: true, error: null, result: previous.result }));
    const call = client.request as (
      method: string,
      params: unknown,
      options: { signal: AbortSignal },
    ) => Promise<MethodResult<M>>;
    call(method, latestParams.current, { signal: controller.signal }).then(
      (result) => {
        if (!controller.signal.aborted) setState({ loading: false, error: null, result });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState((previous) => ({
          loading: false,
          error: error instanceof Error ? error : new Error(String(error)),
          result: previous.result,
        }));
      },
    );
    return () => controller.abort();
  }, [client, method, key, round]);

  const refresh = useCallback(() => setRound((n) => n + 1), []);
  return { ...state, refresh };
}
