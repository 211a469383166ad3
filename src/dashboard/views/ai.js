/**
 * AI streams rendered as they arrive: each stream's chunks are appended in `index` order to one
 * text node (once per frame), then `done` or `error` ends it.
 *
 * A page that opens in the middle of a stream sees its first chunk with `index > 0`. It then
 * asks `ai.get { id }` (when the server offers it) for the text so far, holds the live chunks
 * meanwhile, and continues after `lastIndex`: no gap, no duplicate (docs/channels.md,
 * "Catching up"). The page subscribed long before, so every event after `lastIndex` reaches it.
 */
import { describeError, frameScheduler, h, isScrolledToEnd } from '../ui/dom.js';
import { bindChannelNotice } from '../ui/server-state.js';

/** Streams kept on the page; beyond it, the oldest goes. */
const MAX_STREAMS = 20;

/**
 * @typedef {import('/lib/protocol/index.js').EventMessage<'ai-response', 'chunk' | 'done' | 'error'>} AiEvent
 * @typedef {import('/lib/protocol/index.js').AiDoneData | import('/lib/protocol/index.js').AiErrorData} AiEndData
 */

/**
 * @typedef {{
 *   id: string, state: 'streaming' | 'catching-up' | 'done' | 'error',
 *   nextIndex: number, held: AiEvent[], pendingText: string, detail: string,
 *   element: HTMLElement, text: Text, status: HTMLElement, output: HTMLElement,
 * }} Stream
 */

/**
 * @param {{
 *   client: import('/lib/client/index.js').SidecarClient,
 *   server: import('../ui/server-state.js').ServerState,
 *   root: HTMLElement,
 *   setBadge: (text: string, tone?: string) => void,
 * }} options
 */
export function mountAi({ client, server, root, setBadge }) {
  /** @type {Map<string, Stream>} */
  const streams = new Map();
  const notice = h('p');
  bindChannelNotice(notice, server, 'ai-response', 'ai.get');
  const empty = h(
    'p',
    { class: 'muted' },
    'No AI streams yet. Answers of ai.chat, and streams producers publish on ai-response, appear here as they are written.',
  );
  const list = h('div', { class: 'streams', id: 'ai-streams' });
  root.append(notice, empty, list);
  const schedule = frameScheduler(render);

  client.subscribe('ai-response', (message) => {
    if (message.type !== 'event') return;
    const { data } = message;
    let stream = streams.get(data.id);
    if (!stream) {
      stream = createStream(data.id);
      // Joined mid-stream: fetch what came before, hold live chunks until then.
      if (data.index > 0) catchUp(stream);
    }
    if (stream.state === 'catching-up') stream.held.push(message);
    else applyEvent(stream, message.event, data);
    schedule();
  });

  function createStream(/** @type {string} */ id) {
    const text = document.createTextNode('');
    const status = h('span', { class: 'stream-state' });
    const output = h(
      'pre',
      { class: 'stream-text', tabindex: '0', 'aria-label': `Stream ${id}` },
      text,
    );
    const element = h(
      'article',
      { class: 'stream', dataset: { id } },
      h('header', { class: 'stream-header' }, h('code', {}, id), ' ', status),
      output,
    );
    /** @type {Stream} */
    const stream = {
      id,
      state: 'streaming',
      nextIndex: 0,
      held: [],
      pendingText: '',
      detail: '',
      element,
      text,
      status,
      output,
    };
    streams.set(id, stream);
    list.prepend(element);
    for (const [oldId, old] of [...streams].slice(0, Math.max(0, streams.size - MAX_STREAMS))) {
      old.element.remove();
      streams.delete(oldId);
    }
    return stream;
  }

  async function catchUp(/** @type {Stream} */ stream) {
    stream.state = 'catching-up';
    if (server.hasMethod('ai.get')) {
      try {
        const state = await client.request('ai.get', { id: stream.id });
        // Past the server's size limit `text` stopped growing: the held chunks come later.
        stream.pendingText = state.truncated ? `${state.text} […] ` : state.text;
        stream.nextIndex = state.lastIndex + 1;
        if (state.end) end(stream, state.end.event, state.end.data);
      } catch (failure) {
        stream.detail = `joined mid-stream; earlier text unavailable (${describeError(failure)})`;
      }
    } else {
      stream.detail = 'joined mid-stream; earlier text unavailable (the server offers no ai.get)';
    }
    if (stream.state === 'catching-up') stream.state = 'streaming';
    for (const message of stream.held) applyEvent(stream, message.event, message.data);
    stream.held = [];
    schedule();
  }

  function applyEvent(
    /** @type {Stream} */ stream,
    /** @type {string} */ event,
    /** @type {import('/lib/protocol/index.js').AiChunkData} */ data,
  ) {
    if (data.index < stream.nextIndex) return; // already in the text (ai.get covered it)
    // Only a client-side gap (events the server no longer held) can skip indexes.
    if (data.index > stream.nextIndex && stream.nextIndex > 0) stream.pendingText += ' […] ';
    stream.nextIndex = data.index + 1;
    stream.pendingText += data.chunk;
    if (event === 'done' || event === 'error') end(stream, event, data);
  }

  /** A stream's last event: `done` (stop reason, usage) or `error` (the error body). */
  function end(
    /** @type {Stream} */ stream,
    /** @type {'done' | 'error'} */ event,
    /** @type {AiEndData} */ data,
  ) {
    stream.state = event;
    const { error } = /** @type {import('/lib/protocol/index.js').AiErrorData} */ (data);
    stream.detail =
      event === 'done' ? describeDone(data) : error ? `${error.code}: ${error.message}` : 'failed';
  }

  function render() {
    let live = 0;
    for (const stream of streams.values()) {
      if (stream.state === 'streaming' || stream.state === 'catching-up') live++;
      if (stream.pendingText) {
        const following = isScrolledToEnd(stream.output);
        stream.text.appendData(stream.pendingText);
        stream.pendingText = '';
        if (following) stream.output.scrollTop = stream.output.scrollHeight;
      }
      stream.element.dataset.state = stream.state;
      const label =
        stream.state === 'catching-up'
          ? 'catching up…'
          : stream.state === 'streaming'
            ? 'streaming…'
            : stream.state;
      stream.status.textContent = stream.detail ? `${label} · ${stream.detail}` : label;
    }
    empty.hidden = streams.size > 0;
    setBadge(live > 0 ? `${live} live` : '');
  }
  render();
}

/** "stop: end_turn · 12 in / 250 out tokens · llama3.2" from the `done` data. */
function describeDone(/** @type {import('/lib/protocol/index.js').AiDoneData} */ data) {
  const parts = [];
  if (data.stopReason) parts.push(`stop: ${data.stopReason}`);
  const { inputTokens, outputTokens } = data.usage ?? {};
  if (inputTokens !== undefined || outputTokens !== undefined)
    parts.push(`${inputTokens ?? '?'} in / ${outputTokens ?? '?'} out tokens`);
  if (data.model) parts.push(data.model);
  return parts.join(' · ');
}
