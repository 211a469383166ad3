/**
 * AI streams rendered as they arrive, from the client's live state of the channel
 * (`client.live('ai-response')`): each stream's new text is appended to one text node (once
 * per frame), then `done` or `error` ends it. A page that opens in the middle of a stream gets
 * the earlier text from the live state, which asks `ai.get` for it (docs/channels.md,
 * "Catching up").
 */
import { frameScheduler, h, isScrolledToEnd } from '../ui/dom.js';
import { bindChannelNotice } from '../ui/server-state.js';

/**
 * @typedef {import('/lib/client/index.js').AiStreamView} AiStreamView
 * @typedef {{ element: HTMLElement, text: Text, status: HTMLElement, output: HTMLElement }} DrawnStream
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
  const ai = client.live('ai-response');
  /** @type {Map<string, DrawnStream>} */
  const drawn = new Map();
  const notice = h('p');
  bindChannelNotice(notice, server, 'ai-response', 'ai.get');
  const empty = h(
    'p',
    { class: 'muted' },
    'No AI streams yet. Answers of ai.chat, and streams producers publish on ai-response, appear here as they are written.',
  );
  const list = h('div', { class: 'streams', id: 'ai-streams' });
  root.append(notice, empty, list);
  ai.subscribe(frameScheduler(render));

  /** A new stream's card, on top: newest first. */
  function draw(/** @type {string} */ id) {
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
    list.prepend(element);
    const stream = { element, text, status, output };
    drawn.set(id, stream);
    return stream;
  }

  function render() {
    const { streams } = ai.get();
    // The live state keeps the newest streams; the cards of the others go.
    for (const [id, stream] of drawn) {
      if (streams.has(id)) continue;
      stream.element.remove();
      drawn.delete(id);
    }
    let live = 0;
    for (const stream of streams.values()) {
      const card = drawn.get(stream.id) ?? draw(stream.id);
      if (stream.state === 'streaming' || stream.state === 'catching-up') live++;
      // The text only grows: append what is new.
      if (stream.text.length > card.text.length) {
        const following = isScrolledToEnd(card.output);
        card.text.appendData(stream.text.slice(card.text.length));
        if (following) card.output.scrollTop = card.output.scrollHeight;
      }
      card.element.dataset.state = stream.state;
      const label =
        stream.state === 'catching-up'
          ? 'catching up…'
          : stream.state === 'streaming'
            ? 'streaming…'
            : stream.state;
      const detail = describeEnd(stream) || stream.note;
      card.status.textContent = detail ? `${label} · ${detail}` : label;
    }
    empty.hidden = streams.size > 0;
    setBadge(live > 0 ? `${live} live` : '');
  }
  render();
}

/** How a stream ended: `done` (stop reason, usage) or `error` (the error body); '' while on. */
function describeEnd(/** @type {AiStreamView} */ { state, end }) {
  if (!end) return '';
  if (state === 'done') return describeDone(end);
  const { error } = /** @type {import('/lib/protocol/index.js').AiErrorData} */ (end);
  return error ? `${error.code}: ${error.message}` : 'failed';
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
