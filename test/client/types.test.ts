/** Compile-time checks of the public API's typing (tsc runs them; vitest only executes them). */
import { describe, expectTypeOf, it } from 'vitest';
import WebSocket from 'ws';
import type {
  ChannelMessage,
  PublishResult,
  ServerInfo,
  SidecarClient,
  WebSocketConstructor,
} from '../../src/client/index.js';

declare const client: SidecarClient;

describe('client typing', () => {
  it('accepts both the browser WebSocket and the ws class', () => {
    const node: WebSocketConstructor = WebSocket;
    const browser: WebSocketConstructor = globalThis.WebSocket;
    expectTypeOf([node, browser]).toEqualTypeOf<WebSocketConstructor[]>();
  });

  it('types messages per channel and event', () => {
    const check = () => {
      client.subscribe('files', (message) => {
        if (message.type === 'event' && message.event === 'change') {
          expectTypeOf(message.data.file).toEqualTypeOf<string>();
        }
        if (message.type === 'event' && message.event === 'ready') {
          expectTypeOf(message.data.files).toEqualTypeOf<number>();
        }
      });
      client.subscribe('custom:anything', (message) => {
        expectTypeOf(message).toEqualTypeOf<ChannelMessage<'custom:anything'>>();
        expectTypeOf(message.seq).toEqualTypeOf<number>();
      });
      // @ts-expect-error not a channel
      client.subscribe('nope', () => {});
    };
    expectTypeOf(check).toBeFunction();
  });

  it('types requests by method', () => {
    const check = async () => {
      expectTypeOf(await client.request('server.info')).toEqualTypeOf<ServerInfo>();
      expectTypeOf(await client.request('search.start', { query: 'x' })).toEqualTypeOf<{
        searchId: string;
      }>();
      // @ts-expect-error search.start needs its params
      await client.request('search.start');
      // @ts-expect-error wrong params
      await client.request('git.log', { limit: 'ten' });
      expectTypeOf(await client.request('plugin.custom', { any: 1 })).toEqualTypeOf<unknown>();
      expectTypeOf(await client.publish('custom:x', 'e', {})).toEqualTypeOf<PublishResult>();
      expectTypeOf(await client.ping()).toEqualTypeOf<number>();
    };
    expectTypeOf(check).toBeFunction();
  });
});
