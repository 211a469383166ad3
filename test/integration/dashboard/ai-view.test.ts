/**
 * The AI view against the real `ai` source: a producer publishes streams over its own
 * WebSocket, as an agent or CLI would; the page renders them live, catches up with `ai.get`
 * when it opens mid-stream, and shows how each one ended.
 */
import { describe, expect, it } from 'vitest';
import type { AiChunkData } from '../../../src/protocol/index.js';
import { createAiSource, resolveAiOptions } from '../../../src/sources/ai/index.js';
import { type RawClient, rawClient, useTestSidecars } from '../../support/server.js';
import { useDashboard } from './browser.js';

const start = useTestSidecars();
const open = useDashboard();

/** A producer on its own connection; each publish waits for the server's answer. */
async function producer(sidecar: Parameters<typeof rawClient>[0]) {
  const client: RawClient = await rawClient(sidecar);
  let published = 0;
  return async (event: 'chunk' | 'done' | 'error', data: AiChunkData) => {
    const id = `p${++published}`;
    client.send({ type: 'publish', id, channel: 'ai-response', event, data });
    const response = await client.response(id);
    expect(response.error).toBeUndefined();
  };
}

describe('the AI view, fed by a producer through the real ai source', () => {
  it('catches up with ai.get when opened mid-stream, then follows the stream live to its end', async () => {
    const sidecar = await start({ sources: [createAiSource()] });
    const publish = await producer(sidecar);
    for (const [index, chunk] of ['The ', 'quick ', 'brown '].entries()) {
      await publish('chunk', { id: 'late', chunk, index, finished: false });
    }
    const { page, problems } = await open(sidecar, { hash: '#ai' });
    await publish('chunk', { id: 'late', chunk: 'fox', index: 3, finished: false });
    const late = page.locator('#ai-streams [data-id="late"]');
    await late.locator('pre', { hasText: 'The quick brown fox' }).waitFor();
    await page.locator('#tab-ai .badge', { hasText: '1 live' }).waitFor();
    await publish('done', {
      id: 'late',
      chunk: '.',
      index: 4,
      finished: true,
      stopReason: 'end_turn',
      usage: { inputTokens: 12, outputTokens: 5 },
    });
    await late
      .locator('.stream-state', { hasText: 'done · stop: end_turn · 12 in / 5 out tokens' })
      .waitFor();
    expect(await late.locator('pre').textContent()).toBe('The quick brown fox.');
    expect(await page.locator('#tab-ai .badge').isHidden()).toBe(true);

    // A stream the producer ends with an error.
    await publish('chunk', { id: 'live', chunk: 'Hello', index: 0, finished: false });
    const live = page.locator('#ai-streams [data-id="live"]');
    await live.locator('.stream-state', { hasText: 'streaming' }).waitFor();
    await publish('chunk', { id: 'live', chunk: ', world', index: 1, finished: false });
    await publish('error', {
      id: 'live',
      chunk: '',
      index: 2,
      finished: true,
      error: { code: 'RATE_LIMITED', message: 'slow down' },
    });
    await live.locator('.stream-state', { hasText: 'error · RATE_LIMITED: slow down' }).waitFor();
    expect(await live.locator('pre').textContent()).toBe('Hello, world');
    // Newest first.
    expect(
      await page
        .locator('#ai-streams .stream')
        .evaluateAll((streams) => streams.map((s) => (s as HTMLElement).dataset.id)),
    ).toEqual(['live', 'late']);
    expect(problems).toEqual([]);
  });

  it('shows the error the sidecar ends a silent stream with', async () => {
    // A producer that stops writing: the source ends its stream after streamTimeoutMs.
    const sidecar = await start({
      sources: [createAiSource(resolveAiOptions({ streamTimeoutMs: 200 }))],
    });
    const { page, problems } = await open(sidecar, { hash: '#ai' });
    const publish = await producer(sidecar);
    await publish('chunk', { id: 'abandoned', chunk: 'I was about to', index: 0, finished: false });
    const stream = page.locator('#ai-streams [data-id="abandoned"]');
    await stream.locator('.stream-state', { hasText: 'error · TIMEOUT:' }).waitFor();
    expect(await stream.locator('pre').textContent()).toBe('I was about to');
    expect(problems).toEqual([]);
  });
});
