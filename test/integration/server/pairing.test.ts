import { describe, expect, it } from 'vitest';
import { rawClient, upgradeStatus, useTestSidecars } from '../../support/server.js';

const start = useTestSidecars();

const EXTENSION = `chrome-extension://${'abcdefghijklmnop'.repeat(2)}`;
const OTHER_EXTENSION = `chrome-extension://${'p'.repeat(32)}`;

describe('server.pair', () => {
  it('lets the dashboard page allow one extension origin, and nobody else', async () => {
    const sidecar = await start({ allowOrigins: [OTHER_EXTENSION] });
    const ownOrigin = `http://127.0.0.1:${sidecar.port}`;
    expect(await upgradeStatus(sidecar, { headers: { origin: EXTENSION } })).toBe(403);

    // A client with no Origin (a script), another allowed extension, another site: refused.
    const script = await rawClient(sidecar);
    const other = await rawClient(sidecar, { headers: { origin: OTHER_EXTENSION } });
    for (const client of [script, other]) {
      client.send({
        type: 'request',
        id: 'p',
        method: 'server.pair',
        params: { origin: EXTENSION },
      });
      expect((await client.response('p')).error?.code).toBe('FORBIDDEN');
    }
    expect(await upgradeStatus(sidecar, { headers: { origin: EXTENSION } })).toBe(403);

    const dashboard = await rawClient(sidecar, { headers: { origin: ownOrigin } });
    for (const [id, origin] of [
      ['web', 'https://example.com'],
      ['short', 'chrome-extension://abc'],
      ['letters', `chrome-extension://${'z'.repeat(32)}`],
      ['path', `${EXTENSION}/panel.html`],
    ] as const) {
      dashboard.send({ type: 'request', id, method: 'server.pair', params: { origin } });
      expect((await dashboard.response(id)).error?.code, id).toBe('INVALID_PARAMS');
    }
    dashboard.send({
      type: 'request',
      id: 'ok',
      method: 'server.pair',
      params: { origin: EXTENSION },
    });
    expect((await dashboard.response('ok')).result).toEqual({ origin: EXTENSION, allowed: true });

    const extension = await rawClient(sidecar, { headers: { origin: EXTENSION } });
    extension.send({ type: 'request', id: 'info', method: 'server.info' });
    expect((await extension.response('info')).result).toMatchObject({ name: 'sidecar' });
    // The token is still needed.
    expect(await upgradeStatus(sidecar, { token: null, headers: { origin: EXTENSION } })).toBe(401);
    // A paired extension cannot pair others.
    extension.send({
      type: 'request',
      id: 'again',
      method: 'server.pair',
      params: { origin: `chrome-extension://${'a'.repeat(32)}` },
    });
    expect((await extension.response('again')).error?.code).toBe('FORBIDDEN');
    for (const client of [script, other, dashboard, extension]) client.close();
  });
});
