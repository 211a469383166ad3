import { describe, expect, it } from 'vitest';
import type { Sidecar } from '../../../src/app/sidecar.js';
import {
  type EventMessage,
  MAX_PUBLISH_DEPTH,
  type ServerMessage,
} from '../../../src/protocol/index.js';
import { createAiSource } from '../../../src/sources/ai/index.js';
import { resolveAiOptions } from '../../../src/sources/ai/provider-config.js';
import { type RawClient, rawClient, TEST_TOKEN, useTestSidecars } from '../../support/server.js';

const start = useTestSidecars();

/** JSON text of arrays nested `levels` deep, built as text: JSON.stringify would overflow. */
const nestedArrays = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

const post = (sidecar: Sidecar, body: string) =>
  fetch(`${sidecar.url}/publish`, {
    method: 'POST',
    body,
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
  });

const seqsOf = (messages: ServerMessage[], channel: string) =>
  messages
    .filter((m): m is EventMessage => m.type === 'event' && m.channel === channel)
    .map((m) => m.seq);

async function subscribed(sidecar: Sidecar, channel: string): Promise<RawClient> {
  const client = await rawClient(sidecar);
  client.send({ type: 'subscribe', channel, id: 'sub' });
  await client.response('sub');
  return client;
}

/** A new client resuming `channel` after `seq`: what it is replayed, and the response. */
async function resumeAfter(sidecar: Sidecar, channel: string, seq: number) {
  const client = await rawClient(sidecar);
  client.send({
    type: 'subscribe',
    channel,
    since: { epoch: sidecar.epoch, seq: { [channel]: seq } },
    id: 'resume',
  });
  const response = await client.response('resume');
  client.close();
  return { response, seqs: seqsOf(client.messages, channel) };
}

describe('publishing data nested too deep', () => {
  it('answers POST /publish with 400 INVALID_PARAMS and numbers nothing', async () => {
    const sidecar = await start();
    const bystander = await subscribed(sidecar, 'custom:build');
    const publishData = (data: string) =>
      post(sidecar, `{"channel":"custom:build","event":"step","data":${data}}`);

    expect((await publishData('{"n":1}')).status).toBe(200);
    for (const levels of [MAX_PUBLISH_DEPTH + 1, 5_000, 100_000]) {
      const refused = await publishData(nestedArrays(levels));
      expect(refused.status).toBe(400);
      expect(await refused.json()).toEqual({
        error: {
          code: 'INVALID_PARAMS',
          message: expect.stringContaining(`${MAX_PUBLISH_DEPTH} levels`),
          details: { field: 'data', maxDepth: MAX_PUBLISH_DEPTH },
        },
      });
    }
    const atTheLimit = await publishData(nestedArrays(MAX_PUBLISH_DEPTH));
    expect(await atTheLimit.json()).toEqual({ channel: 'custom:build', seq: 2 });
    expect(await (await publishData('{"n":3}')).json()).toEqual({
      channel: 'custom:build',
      seq: 3,
    });

    await bystander.next((m) => m.type === 'event' && m.seq === 3);
    expect(seqsOf(bystander.messages, 'custom:build')).toEqual([1, 2, 3]);
    const resumed = await resumeAfter(sidecar, 'custom:build', 1);
    expect(resumed.response.result).toMatchObject({ replayed: { 'custom:build': 2 }, gaps: [] });
    expect(resumed.seqs).toEqual([2, 3]);
  });

  it('refuses an ai-response chunk with a deep extra field, over both transports, and the stream goes on', async () => {
    const sidecar = await start({ sources: [createAiSource(resolveAiOptions({}, {}))] });
    const bystander = await subscribed(sidecar, 'ai-response');
    const producer = await rawClient(sidecar);
    const chunk = (index: number, extra = '') =>
      `{"id":"s1","chunk":"c${index}","index":${index},"finished":false${extra}}`;
    const publish = async (id: string, data: string) => {
      producer.send(
        `{"type":"publish","id":"${id}","channel":"ai-response","event":"chunk","data":${data}}`,
      );
      return producer.response(id);
    };

    expect((await publish('p0', chunk(0))).result).toEqual({ channel: 'ai-response', seq: 1 });
    const deepExtra = `,"extra":${nestedArrays(5_000)}`;
    expect((await publish('deep', chunk(1, deepExtra))).error).toMatchObject({
      code: 'INVALID_PARAMS',
      details: { field: 'data', maxDepth: MAX_PUBLISH_DEPTH },
    });
    const overHttp = await post(
      sidecar,
      `{"channel":"ai-response","event":"chunk","data":${chunk(1, deepExtra)}}`,
    );
    expect(overHttp.status).toBe(400);
    expect(await overHttp.json()).toMatchObject({ error: { code: 'INVALID_PARAMS' } });
    // The refused chunks took no index either: index 1 is still the next one.
    expect((await publish('p1', chunk(1))).result).toEqual({ channel: 'ai-response', seq: 2 });
    expect((await publish('p2', chunk(2))).result).toEqual({ channel: 'ai-response', seq: 3 });

    await bystander.next((m) => m.type === 'event' && m.seq === 3);
    expect(seqsOf(bystander.messages, 'ai-response')).toEqual([1, 2, 3]);
    const resumed = await resumeAfter(sidecar, 'ai-response', 1);
    expect(resumed.response.result).toMatchObject({ replayed: { 'ai-response': 2 }, gaps: [] });
    expect(resumed.seqs).toEqual([2, 3]);
  });
});
