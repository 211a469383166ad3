import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../../src/protocol/index.js';
import { rawClient, TEST_TOKEN, useTestSidecars } from '../../support/server.js';

const start = useTestSidecars();

/** Opens the WebSocket by hand, for frames no WebSocket library would send. */
function openRawSocket(url: string): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const upgrade = request(url.replace(/^ws:/, 'http:'), {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-key': randomBytes(16).toString('base64'),
        'sec-websocket-version': '13',
        authorization: `Bearer ${TEST_TOKEN}`,
      },
    });
    upgrade.on('upgrade', (_response, socket) => resolve(socket));
    upgrade.on('response', (response) => reject(new Error(`status ${response.statusCode}`)));
    upgrade.on('error', reject);
    upgrade.end();
  });
}

/** The status code of the close frame the server sends, read from its (unmasked) frames. */
function closeCodeOf(socket: Duplex): Promise<number> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        if (buffered.length < 2) return;
        const opcode = buffered[0]! & 0x0f;
        let length = buffered[1]! & 0x7f;
        let offset = 2;
        if (length === 126) {
          if (buffered.length < 4) return;
          length = buffered.readUInt16BE(2);
          offset = 4;
        } else if (length === 127) {
          if (buffered.length < 10) return;
          length = Number(buffered.readBigUInt64BE(2));
          offset = 10;
        }
        if (buffered.length < offset + length) return;
        if (opcode === 0x8) {
          resolve(buffered.readUInt16BE(offset));
          return;
        }
        buffered = buffered.subarray(offset + length);
      }
    });
    socket.on('end', () => reject(new Error('the server sent no close frame')));
  });
}

describe('close codes for frames that break the WebSocket protocol', () => {
  it('closes with 1007 on a text frame that is not valid UTF-8', async () => {
    const sidecar = await start();
    const client = await rawClient(sidecar);
    client.socket.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect((await client.closed).code).toBe(CLOSE_CODES.INVALID_PAYLOAD);
    expect(CLOSE_CODES.INVALID_PAYLOAD).toBe(1007);
  });

  it('closes with 1002 on a malformed frame (a reserved bit set)', async () => {
    const sidecar = await start();
    const socket = await openRawSocket(sidecar.wsUrl);
    const code = closeCodeOf(socket);
    // FIN + RSV2 + text, masked, empty: no extension was agreed on that would allow RSV2.
    socket.write(Buffer.from([0xa1, 0x80, 0, 0, 0, 0]));
    expect(await code).toBe(CLOSE_CODES.PROTOCOL_ERROR);
    expect(CLOSE_CODES.PROTOCOL_ERROR).toBe(1002);
    socket.destroy();
  });
});
