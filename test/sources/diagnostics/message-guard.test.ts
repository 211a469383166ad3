import { describe, expect, it } from 'vitest';
import {
  createMessageGuard,
  DEFAULT_MESSAGE_LIMITS,
  type MessageLimits,
  ServerOutputError,
} from '../../../src/sources/diagnostics/message-guard.js';

const frame = (body: string) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

/** Feeds `chunks` through a guard; returns what came out and the error, if any. */
async function feed(chunks: (string | Buffer)[], limits: Partial<MessageLimits> = {}) {
  const guard = createMessageGuard({ ...DEFAULT_MESSAGE_LIMITS, ...limits });
  const out: Buffer[] = [];
  guard.on('data', (chunk: Buffer) => out.push(chunk));
  const failed = new Promise<Error | undefined>((resolve) => {
    guard.once('error', resolve);
    guard.once('end', () => resolve(undefined));
  });
  for (const chunk of chunks) guard.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  guard.end();
  const error = await failed;
  return { text: Buffer.concat(out).toString(), error: error as ServerOutputError | undefined };
}

describe('the message guard', () => {
  it('passes well-framed messages through unchanged, however they are split', async () => {
    const stream = frame('{"a":1}') + frame('{"b":"ü"}') + frame('{}');
    const bytes = Buffer.from(stream);
    const split = [
      bytes.subarray(0, 3),
      bytes.subarray(3, 20),
      bytes.subarray(20, 21),
      bytes.subarray(21),
    ];
    for (const chunks of [[stream], split, [...bytes].map((b) => Buffer.from([b]))]) {
      const { text, error } = await feed(chunks);
      expect(error).toBeUndefined();
      expect(text).toBe(stream);
    }
  });

  it('accepts other headers and any case of Content-Length', async () => {
    const message = 'content-length: 2\r\nContent-Type: application/vscode-jsonrpc\r\n\r\n{}';
    expect((await feed([message])).error).toBeUndefined();
  });

  it('refuses output without a header end before it piles up', async () => {
    const { error } = await feed(['hello world\n'.repeat(1000)]);
    expect(error).toBeInstanceOf(ServerOutputError);
    expect(error).toMatchObject({ kind: 'malformed' });
    expect(error!.message).toMatch(
      /^sent malformed JSON-RPC: \d+ bytes without a header end \("hello world/,
    );
  });

  it('refuses a header without Content-Length', async () => {
    const { error } = await feed(['Content-Type: x\r\n\r\n{}']);
    expect(error?.message).toMatch(/^sent malformed JSON-RPC: a header without Content-Length/);
  });

  it('refuses a message larger than allowed', async () => {
    const { error } = await feed([frame('x'.repeat(100))], { maxMessageBytes: 50 });
    expect(error).toMatchObject({
      kind: 'flood',
      message: 'sent a message of 100 bytes, more than the 50 allowed',
    });
  });

  it('notices a flood of messages or bytes within the window', async () => {
    const many = Array.from({ length: 11 }, () => frame('{}'));
    expect((await feed(many, { maxMessagesPerWindow: 10 })).error).toMatchObject({
      kind: 'flood',
      message: 'flooded sidecar with more than 10 messages within 5000 ms',
    });
    expect((await feed(many.slice(0, 10), { maxMessagesPerWindow: 10 })).error).toBeUndefined();
    const big = frame('x'.repeat(2000));
    expect((await feed([big], { maxBytesPerWindow: 1000 })).error?.message).toBe(
      'flooded sidecar with more than 1000 bytes within 5000 ms',
    );
  });
});
