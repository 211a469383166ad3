/**
 * The live event log across channels: per-channel toggles, a text filter, pause, clear, and a
 * cap on kept rows.
 *
 * Why it stays responsive under a burst: handlers only push the message on a queue; once per
 * animation frame the queue (cut to the cap first, so a burst of 5,000 builds at most `MAX_ROWS`
 * rows) becomes rows in one DocumentFragment, appended in one DOM write, and the oldest rows
 * beyond the cap are removed. Rows have a fixed height and the table a fixed layout, so nothing
 * around the log moves while it fills.
 */
import {
  formatNumber,
  formatTime,
  frameScheduler,
  h,
  isScrolledToEnd,
  truncate,
} from '../ui/dom.js';
import { summarize } from './summarize.js';

/** Rows kept (shown or filtered out); older ones are dropped. */
export const MAX_ROWS = 1000;

/**
 * @typedef {{
 *   key: string, channel: string, event: string, seq: string, time: string,
 *   summary: string, details: string, haystack: string, row: HTMLTableRowElement | null,
 * }} Entry
 */

/**
 * @param {{
 *   client: import('/lib/client/index.js').SidecarClient,
 *   channels: readonly string[],
 *   root: HTMLElement,
 * }} options
 */
export function mountEventLog({ client, channels, root }) {
  const shown = new Set(channels);
  let paused = false;
  /** Messages not yet on screen, oldest first; never longer than twice the cap. */
  let queue = /** @type {any[]} */ ([]);
  /** Entries on screen or hidden by the filter/toggles, oldest first; at most MAX_ROWS. */
  let kept = /** @type {Entry[]} */ ([]);
  let received = 0;
  let needsRebuild = false;

  const filter = h('input', {
    type: 'search',
    id: 'log-filter',
    placeholder: 'Filter events',
    'aria-label': 'Filter events',
    autocomplete: 'off',
    oninput: () => rebuildSoon(),
  });
  const pauseButton = h(
    'button',
    { type: 'button', id: 'log-pause', 'aria-pressed': 'false', onclick: togglePause },
    'Pause',
  );
  const clearButton = h('button', { type: 'button', id: 'log-clear', onclick: clear }, 'Clear');
  const toggles = h(
    'fieldset',
    { class: 'toggles', id: 'log-channels' },
    h('legend', { class: 'visually-hidden' }, 'Channels shown'),
    channels.map((channel) =>
      h(
        'label',
        { class: 'toggle', dataset: { channel } },
        h('input', {
          type: 'checkbox',
          checked: true,
          value: channel,
          onchange: (/** @type {Event} */ event) => {
            const box = /** @type {HTMLInputElement} */ (event.target);
            if (box.checked) shown.add(channel);
            else shown.delete(channel);
            rebuildSoon();
          },
        }),
        channel,
      ),
    ),
  );
  const rows = /** @type {HTMLTableSectionElement} */ (h('tbody', { id: 'log-rows' }));
  const scroller = h(
    'div',
    { class: 'log-scroll', tabindex: '0', role: 'region', 'aria-label': 'Events, newest last' },
    h(
      'table',
      { class: 'log' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['time', 'channel', 'event', 'seq', 'data'].map((name) =>
            h('th', { scope: 'col', class: `col-${name}` }, name),
          ),
        ),
      ),
      rows,
    ),
  );
  const status = h('p', { class: 'log-status', id: 'log-status' });
  root.append(
    h('div', { class: 'toolbar' }, toggles, filter, pauseButton, clearButton),
    scroller,
    status,
  );

  const rowTemplate = h('tr', {}, h('td'), h('td'), h('td'), h('td'), h('td'));
  const schedule = frameScheduler(render);

  for (const channel of channels) {
    client.subscribe(/** @type {any} */ (channel), (message) => enqueue(message));
  }
  // Missed events are worth a line of their own: the log is not complete across it.
  client.on('gap', ({ channel, reason }) =>
    enqueue({
      type: 'gap',
      channel,
      event: 'gap',
      data: reason === 'epoch' ? 'the server restarted' : 'older events are no longer held',
      timestamp: Date.now(),
    }),
  );

  function enqueue(/** @type {any} */ message) {
    received++;
    // The epoch tells two servers' events apart (seq numbers start again on a restart).
    queue.push({ ...message, epoch: client.epoch });
    if (queue.length > MAX_ROWS * 2) queue = queue.slice(-MAX_ROWS);
    schedule();
  }

  function rebuildSoon() {
    needsRebuild = true;
    schedule();
  }

  function togglePause() {
    paused = !paused;
    pauseButton.setAttribute('aria-pressed', String(paused));
    pauseButton.textContent = paused ? 'Resume' : 'Pause';
    schedule();
  }

  function clear() {
    kept = [];
    queue = [];
    rows.replaceChildren();
    schedule();
  }

  function toEntry(/** @type {any} */ message) {
    const event = message.type === 'event' ? message.event : message.type;
    const json = truncate(JSON.stringify(message.data) ?? 'null', 2000);
    const summary = summarize(message);
    return /** @type {Entry} */ ({
      key: message.type === 'gap' ? '' : `${message.epoch}/${message.channel}/${message.seq}`,
      channel: message.channel,
      event,
      seq: message.seq === undefined ? '' : String(message.seq),
      time: formatTime(message.timestamp),
      summary,
      details: json,
      haystack: `${message.channel} ${event} ${summary} ${json}`.toLowerCase(),
      row: null,
    });
  }

  function matches(/** @type {Entry} */ entry, /** @type {string} */ needle) {
    return shown.has(entry.channel) && (!needle || entry.haystack.includes(needle));
  }

  function rowFor(/** @type {Entry} */ entry) {
    const row = /** @type {HTMLTableRowElement} */ (rowTemplate.cloneNode(true));
    const cells = row.cells;
    cells[0].textContent = entry.time;
    cells[1].textContent = entry.channel;
    cells[2].textContent = entry.event;
    cells[3].textContent = entry.seq;
    cells[4].textContent = entry.summary;
    cells[4].title = entry.details;
    row.dataset.channel = entry.channel;
    row.dataset.event = entry.event;
    if (entry.key) row.dataset.key = entry.key;
    entry.row = row;
    return row;
  }

  function render() {
    const following = isScrolledToEnd(scroller);
    const needle = filter.value.trim().toLowerCase();
    const fragment = document.createDocumentFragment();
    if (!paused && queue.length > 0) {
      const fresh = queue.slice(-MAX_ROWS).map(toEntry);
      queue = [];
      for (const entry of fresh) {
        kept.push(entry);
        if (!needsRebuild && matches(entry, needle)) fragment.append(rowFor(entry));
      }
      const overflow = kept.length - MAX_ROWS;
      if (overflow > 0) {
        for (const old of kept.slice(0, overflow)) old.row?.remove();
        kept = kept.slice(overflow);
      }
    }
    if (needsRebuild) {
      needsRebuild = false;
      for (const entry of kept) {
        entry.row = null;
        if (matches(entry, needle)) fragment.append(rowFor(entry));
      }
      rows.replaceChildren(fragment);
    } else {
      rows.append(fragment);
    }
    if (following) scroller.scrollTop = scroller.scrollHeight;
    status.textContent = [
      `${formatNumber(rows.childElementCount)} shown`,
      `${formatNumber(kept.length)} kept (at most ${formatNumber(MAX_ROWS)})`,
      `${formatNumber(received)} received`,
      paused ? `paused, ${formatNumber(queue.length)} waiting` : '',
    ]
      .filter(Boolean)
      .join(' · ');
  }
  render();
}
