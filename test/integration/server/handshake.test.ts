import { describe, expect, it } from 'vitest';
import { rawClient, TEST_TOKEN, upgradeStatus, useTestSidecars } from '../../support/server.js';

const start = useTestSidecars();

describe('WebSocket handshake', () => {
  it('accepts the token as a bearer header and as ?token=, and refuses a missing or wrong one with 401', async () => {
    const sidecar = await start();
    expect(await upgradeStatus(sidecar, {})).toBe(101);
    expect(await upgradeStatus(sidecar, { token: null, path: `/ws?token=${TEST_TOKEN}` })).toBe(
      101,
    );
    expect(await upgradeStatus(sidecar, { token: null })).toBe(401);
    expect(await upgradeStatus(sidecar, { token: 'wrong-token-0123456789abcdef' })).toBe(401);
    expect(await upgradeStatus(sidecar, { token: null, path: '/ws?token=nope' })).toBe(401);
  });

  it('refuses a foreign Host header with 403 (DNS rebinding) and accepts loopback names', async () => {
    const sidecar = await start();
    expect(await upgradeStatus(sidecar, { headers: { host: 'evil.example:80' } })).toBe(403);
    expect(await upgradeStatus(sidecar, { headers: { host: `localhost:${sidecar.port}` } })).toBe(
      101,
    );
    expect(await upgradeStatus(sidecar, { headers: { host: `[::1]:${sidecar.port}` } })).toBe(101);
  });

  it('accepts a host given with allowHosts', async () => {
    const sidecar = await start({ allowHosts: ['devbox.local'] });
    expect(await upgradeStatus(sidecar, { headers: { host: 'devbox.local:3001' } })).toBe(101);
  });

  it('refuses a foreign Origin with 403 even with a valid token, and accepts its own and allowed ones', async () => {
    const sidecar = await start({ allowOrigins: ['chrome-extension://*'] });
    expect(await upgradeStatus(sidecar, { headers: { origin: 'https://evil.example' } })).toBe(403);
    expect(await upgradeStatus(sidecar, { headers: { origin: sidecar.url } })).toBe(101);
    expect(await upgradeStatus(sidecar, { headers: { origin: 'chrome-extension://abcdef' } })).toBe(
      101,
    );
    expect(await upgradeStatus(sidecar, { headers: { origin: 'moz-extension://abcdef' } })).toBe(
      403,
    );
  });

  it('answers other upgrade paths with 404', async () => {
    const sidecar = await start();
    expect(await upgradeStatus(sidecar, { path: '/other' })).toBe(404);
  });

  it('with auth off, connects without a token', async () => {
    const sidecar = await start({ auth: false });
    expect(sidecar.token).toBeNull();
    expect(await upgradeStatus(sidecar, { token: null })).toBe(101);
  });

  it('generates a random base64url token of at least 128 bits when none is given', async () => {
    const a = await start({ token: undefined });
    const b = await start({ token: undefined });
    expect(a.token).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(a.token).not.toBe(b.token);
  });

  it('sends welcome first, with the protocol version, epoch, channels and methods', async () => {
    const sidecar = await start();
    const client = await rawClient(sidecar);
    const welcome = await client.next((m) => m.type === 'welcome');
    expect(client.messages[0]).toBe(welcome);
    expect(welcome).toMatchObject({
      type: 'welcome',
      protocol: 1,
      epoch: sidecar.epoch,
      server: { name: 'sidecar' },
      heartbeatMs: 30_000,
    });
    if (welcome.type !== 'welcome') throw new Error('unreachable');
    expect(welcome.channels).toEqual([
      'files',
      'diagnostics',
      'ai-response',
      'search',
      'validation',
      'git',
      'system',
      'editor',
    ]);
    expect(welcome.methods).toContain('server.info');
    expect(typeof welcome.clientId).toBe('string');
    client.close();
  });
});

describe('HTTP routes', () => {
  it('GET /healthz needs no token and reveals only liveness', async () => {
    const sidecar = await start();
    const response = await fetch(`${sidecar.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('GET /metrics needs the token and speaks the Prometheus text format', async () => {
    const sidecar = await start();
    expect((await fetch(`${sidecar.url}/metrics`)).status).toBe(401);
    const response = await fetch(`${sidecar.url}/metrics`, {
      headers: { authorization: `Bearer ${TEST_TOKEN}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain('# TYPE sidecar_connections gauge');
    expect(text).toMatch(/sidecar_channel_seq\{channel="system"\} \d+/);
  });

  it('POST /publish puts an event on a custom channel, with the token only', async () => {
    const sidecar = await start();
    const client = await rawClient(sidecar);
    client.send({ type: 'subscribe', channel: 'custom:build', id: 's' });
    await client.response('s');
    const body = JSON.stringify({
      channel: 'custom:build',
      event: 'progress',
      data: { percent: 40 },
    });
    expect((await fetch(`${sidecar.url}/publish`, { method: 'POST', body })).status).toBe(401);
    const response = await fetch(`${sidecar.url}/publish`, {
      method: 'POST',
      body,
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ channel: 'custom:build', seq: 1 });
    const event = await client.next((m) => m.type === 'event' && m.channel === 'custom:build');
    expect(event).toMatchObject({ event: 'progress', data: { percent: 40 }, seq: 1 });
    client.close();
  });

  it('POST /publish refuses state channels, bad JSON and oversized bodies with coded errors', async () => {
    const sidecar = await start({ maxPayload: 2048 });
    const post = (body: string) =>
      fetch(`${sidecar.url}/publish`, {
        method: 'POST',
        body,
        headers: { authorization: `Bearer ${TEST_TOKEN}` },
      });
    const forbidden = await post(JSON.stringify({ channel: 'git', event: 'status', data: {} }));
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    const malformed = await post('{not json');
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe(
      'INVALID_MESSAGE',
    );
    const unknown = await post(JSON.stringify({ channel: 'nope', event: 'x' }));
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe(
      'UNKNOWN_CHANNEL',
    );
    const huge = await post(
      JSON.stringify({ channel: 'custom:x', event: 'x', data: 'y'.repeat(4096) }),
    );
    expect(huge.status).toBe(413);
  });

  it('refuses every route for a foreign Host', async () => {
    const sidecar = await start();
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${sidecar.url}/healthz`,
        { headers: { host: 'attacker.example' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });

  it('answers unknown paths with 404', async () => {
    const sidecar = await start();
    expect((await fetch(`${sidecar.url}/nope`)).status).toBe(404);
    expect((await fetch(`${sidecar.url}/lib/../package.json`)).status).toBe(404);
  });

  it('serves the page the built client library and protocol under /lib/, and nothing else built', async () => {
    const sidecar = await start();
    const status = async (path: string) => (await fetch(`${sidecar.url}${path}`)).status;
    expect(await status('/lib/client/index.js')).toBe(200);
    // The client's runtime imports reach into the protocol's own folder.
    expect(await status('/lib/protocol/index.js')).toBe(200);
    expect(await status('/lib/protocol/channels.js')).toBe(200);
    expect(await status('/lib/app/sidecar.js')).toBe(404);
    expect(await status('/lib/index.js')).toBe(404);
  });
});
