/** The HTTP part both providers share: POST a JSON body, then read its server-sent events. */

import type { ResolvedProvider } from '../provider-config.js';
import {
  errorFromNetwork,
  errorFromResponse,
  incompleteStream,
  ProviderError,
} from '../provider-error.js';
import { type EventSourceMessage, readEventStream } from '../sse.js';
import type { ChatContext } from './types.js';

/**
 * Posts `body` and feeds each event of the streamed answer to `onEvent` (which returns true at
 * the provider's end marker). Returns whether that marker arrived before the body ended.
 */
export async function postAndReadEvents(
  provider: ResolvedProvider,
  url: URL,
  headers: Record<string, string>,
  body: unknown,
  context: ChatContext,
  handlers: { onEvent(message: EventSourceMessage): boolean | undefined; onActivity(): void },
): Promise<{ stopped: boolean }> {
  const { signal, redact } = context;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        ...provider.headers,
        ...headers,
        'content-type': 'application/json',
        accept: 'text/event-stream',
      },
      body: JSON.stringify(body),
      signal,
    });
  } catch (error) {
    throw signal.aborted
      ? signal.reason
      : errorFromNetwork(error, provider.name, redact, 'request');
  }
  if (!response.ok) throw await errorFromResponse(response, provider.name, redact);
  if (!response.body) throw incompleteStream(provider.name);
  try {
    return await readEventStream(response.body, handlers);
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (error instanceof ProviderError) throw error;
    throw errorFromNetwork(error, provider.name, redact, 'stream');
  }
}

/** Parses one event's JSON, or fails the stream with a clear message. */
export function parseEventJson(message: EventSourceMessage, provider: string): unknown {
  try {
    return JSON.parse(message.data);
  } catch {
    throw new ProviderError('UNAVAILABLE', `${provider} sent an event that is not JSON`, {
      provider,
    });
  }
}
