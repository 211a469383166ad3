import { describe, expect, it } from 'vitest';
import { urlsOf } from '../../src/cli/target.js';

describe('urlsOf', () => {
  it('takes the dashboard URL or the WebSocket URL of a sidecar of its own', () => {
    const expected = { httpUrl: 'http://127.0.0.1:3001', wsUrl: 'ws://127.0.0.1:3001/ws' };
    expect(urlsOf('http://127.0.0.1:3001')).toEqual(expected);
    expect(urlsOf('http://127.0.0.1:3001/?token=abc')).toEqual(expected);
    expect(urlsOf('ws://127.0.0.1:3001/ws')).toEqual(expected);
  });

  it('keeps the prefix of a sidecar embedded in an app', () => {
    const expected = {
      httpUrl: 'http://127.0.0.1:5173/__sidecar',
      wsUrl: 'ws://127.0.0.1:5173/__sidecar/ws',
    };
    expect(urlsOf('http://127.0.0.1:5173/__sidecar')).toEqual(expected);
    expect(urlsOf('http://127.0.0.1:5173/__sidecar/')).toEqual(expected);
    expect(urlsOf('ws://127.0.0.1:5173/__sidecar/ws')).toEqual(expected);
  });

  it('keeps TLS', () => {
    expect(urlsOf('https://dev.local:8443/__sidecar/')).toEqual({
      httpUrl: 'https://dev.local:8443/__sidecar',
      wsUrl: 'wss://dev.local:8443/__sidecar/ws',
    });
  });
});
