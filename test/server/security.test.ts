import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  createAccessPolicy,
  hostnameOf,
  isLoopbackAddress,
  wildcardToRegExp,
} from '../../src/server/security.js';

const request = (headers: Record<string, string>, url = '/ws') =>
  ({ headers, url }) as unknown as IncomingMessage;

describe('access policy', () => {
  const policy = createAccessPolicy({
    token: 'secret-token-123456',
    allowHosts: ['box.lan'],
    allowOrigins: ['vscode-webview://*'],
  });

  it('accepts loopback hosts and allowed ones only', () => {
    expect(policy.isHostAllowed('127.0.0.1:3001')).toBe(true);
    expect(policy.isHostAllowed('LOCALHOST:3001')).toBe(true);
    expect(policy.isHostAllowed('[::1]:3001')).toBe(true);
    expect(policy.isHostAllowed('box.lan')).toBe(true);
    expect(policy.isHostAllowed('127.0.0.1.evil.com')).toBe(false);
    expect(policy.isHostAllowed(undefined)).toBe(false);
  });

  it('accepts no Origin, its own, and matching patterns', () => {
    expect(policy.isOriginAllowed(undefined, 'localhost:3001')).toBe(true);
    expect(policy.isOriginAllowed('http://localhost:3001', 'localhost:3001')).toBe(true);
    expect(policy.isOriginAllowed('http://localhost:3002', 'localhost:3001')).toBe(false);
    expect(policy.isOriginAllowed('vscode-webview://123abc', 'localhost:3001')).toBe(true);
    expect(policy.isOriginAllowed('null', 'localhost:3001')).toBe(false);
    // Our own origin through a foreign Host is still refused.
    expect(policy.isOriginAllowed('http://evil.com', 'evil.com')).toBe(false);
  });

  it('checks the bearer header and the query token', () => {
    expect(policy.isAuthorized(request({ authorization: 'Bearer secret-token-123456' }))).toBe(
      true,
    );
    expect(policy.isAuthorized(request({}, '/ws?token=secret-token-123456'))).toBe(true);
    expect(policy.isAuthorized(request({ authorization: 'Bearer secret-token-12345' }))).toBe(
      false,
    );
    expect(policy.isAuthorized(request({}))).toBe(false);
    // The scheme is case-insensitive.
    expect(policy.isAuthorized(request({ authorization: 'bearer secret-token-123456' }))).toBe(
      true,
    );
  });

  it('authorizes everyone with auth off', () => {
    expect(
      createAccessPolicy({ token: null, allowHosts: [], allowOrigins: [] }).isAuthorized(
        request({}),
      ),
    ).toBe(true);
  });
});

describe('helpers', () => {
  it('parses Host headers', () => {
    expect(hostnameOf('Example.com:80')).toBe('example.com');
    expect(hostnameOf('[::1]:3001')).toBe('[::1]');
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'].every(isLoopbackAddress)).toBe(
      true,
    );
    expect(['0.0.0.0', '192.168.1.2', '::'].some(isLoopbackAddress)).toBe(false);
  });

  it('turns * wildcards into anchored patterns with everything else literal', () => {
    expect(wildcardToRegExp('chrome-extension://*').test('chrome-extension://abc')).toBe(true);
    expect(wildcardToRegExp('http://a.b').test('http://aXb')).toBe(false);
  });
});
