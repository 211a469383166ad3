/**
 * The live event log across channels: per-channel toggles, a text filter, pause, clear, and a
 * cap on kept rows.
 *
 * Why it stays responsive under a burst: handlers only push the message on a queue. Once per
 * animation frame the queue (cut to the cap first, so a burst of 5,000 makes at most `MAX_ROWS`
 * entries) joins the kept entries, the oldest beyond the cap are dropped, and the list redraws:
 * in one DocumentFragment, and only the rows in view (see virtual-rows.js), so a frame costs the
 * same with 10 rows kept as with 1,000. Rows have a fixed height, so nothing around the log
 * moves while it fills.
 */
import { formatNumber, formatTime, frameScheduler, h, truncate } from '../ui/dom.js';
import { createVirtualRows } from '../ui/virtual-rows.js';
import { summarize } from './summarize.js';

/** Rows kept (shown or filtered out); older ones are dropped. */
const MAX_ROWS = 1000;
const COLUMNS = ['time', 'channel', 'event', 'seq', 'data'];
/** A row's height in pixels: `.log-row` in style.css. */
const ROW_HEIGHT = 20;

/**
 * A message of a channel, or the log's own note of a gap; queued with the epoch it came in.
 * @typedef {import('/lib/protocol/index.js').Channel} Channel
 * @typedef {import('/lib/client/index.js').ChannelMessage
 *   | { type: 'gap', channel: Channel, event: 'gap', data: string, timestamp: number, seq?: undefined }} LogMessage
 * @typedef {LogMessage & { epoch: string | null }} QueuedMessage
 */

/**
 * @typedef {{
 *   key: string, channel: Channel, event: string, seq: string, time: string,
 *   summary: string, details: string, haystack: string, row: HTMLElement | null,
 *   visible: boolean,
 * }} Entry
 */

/**
 * @param {{
 *   client: import('/lib/client/index.js').SidecarClient,
 *   channels: readonly Channel[],
 *   root: HTMLElement,
 * }} options
 */
export function mountEventLog({ client, channels, root }) {
  const shown = new Set(channels);
  let paused = false;
  /** Messages not yet on screen, oldest first; never longer than twice the cap. */
  let queue = /** @type {QueuedMessage[]} */ ([]);
  /** Entries kept, shown or hidden by the filter/toggles, oldest first; at most MAX_ROWS. */
  let kept = /** @type {Entry[]} */ ([]);
  /** The kept entries that pass the filter and toggles, oldest first. */
  let visible = /** @type {Entry[]} */ ([]);
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
  const list = createVirtualRows({
    rowHeight: ROW_HEIGHT,
    rowFor,
    label: 'Events, newest last',
    id: 'log-rows',
  });
  const table = h(
    'div',
    { class: 'log', role: 'table', 'aria-label': 'Events' },
    h(
      'div',
      { role: 'rowgroup', class: 'log-head' },
      h(
        'div',
        { role: 'row', class: 'log-row', 'aria-rowindex': '1' },
        COLUMNS.map((name) => h('span', { role: 'columnheader' }, name)),
      ),
    ),
    list.scroller,
  );
  const status = h('p', { class: 'log-status', id: 'log-status' });
  root.append(
    h('div', { class: 'toolbar' }, toggles, filter, pauseButton, clearButton),
    table,
    status,
  );

  const rowTemplate = h(
    'div',
    { role: 'row', class: 'log-row' },
    COLUMNS.map(() => h('span', { role: 'cell' })),
  );
  const schedule = frameScheduler(render);

  for (const channel of channels) {
    client.subscribe(channel, (message) => {
      received++;
      enqueue(message);
    });
  }
  // Missed events are worth a line of their own: the log is not complete across it. A restart
  // (new epoch) concerns every channel at once and gets one line.
  let restartNoted = '';
  client.on('gap', ({ channel, reason }) => {
    if (reason === 'epoch' && restartNoted === client.epoch) return;
    if (reason === 'epoch') restartNoted = client.epoch ?? '';
    enqueue({
      type: 'gap',
      channel: reason === 'epoch' ? 'system' : channel,
      event: 'gap',
      data:
        reason === 'epoch'
          ? 'the server restarted: what it sent after the connection dropped is lost'
          : 'some events are missing: the server no longer held them',
      timestamp: Date.now(),
    });
  });

  function enqueue(/** @type {LogMessage} */ message) {
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
    visible = [];
    queue = [];
    schedule();
  }

  function toEntry(/** @type {QueuedMessage} */ message) {
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
      visible: false,
    });
  }

  function matches(/** @type {Entry} */ entry, /** @type {string} */ needle) {
    return shown.has(entry.channel) && (!needle || entry.haystack.includes(needle));
  }

  function rowFor(/** @type {Entry} */ entry) {
    if (entry.row) return entry.row;
    const row = /** @type {HTMLElement} */ (rowTemplate.cloneNode(true));
    const [time, channel, event, seq, data] =
      /** @type {[HTMLElement, HTMLElement, HTMLElement, HTMLElement, HTMLElement]} */ ([
        ...row.children,
      ]);
    time.textContent = entry.time;
    channel.textContent = entry.channel;
    event.textContent = entry.event;
    seq.textContent = entry.seq;
    data.textContent = entry.summary;
    data.title = entry.details;
    row.dataset.channel = entry.channel;
    row.dataset.event = entry.event;
    if (entry.key) row.dataset.key = entry.key;
    entry.row = row;
    return row;
  }

  function render() {
    const needle = filter.value.trim().toLowerCase();
    let dropped = 0;
    if (!paused && queue.length > 0) {
      for (const entry of queue.slice(-MAX_ROWS).map(toEntry)) {
        entry.visible = matches(entry, needle);
        kept.push(entry);
        if (entry.visible) visible.push(entry);
      }
      queue = [];
      const overflow = kept.length - MAX_ROWS;
      if (overflow > 0) {
        // The oldest kept entries go; those of them on the list are its first ones.
        dropped = kept.slice(0, overflow).filter((entry) => entry.visible).length;
        kept = kept.slice(overflow);
        visible = visible.slice(dropped);
      }
    }
    if (needsRebuild) {
      needsRebuild = false;
      dropped = 0;
      visible = kept.filter((entry) => {
        entry.visible = matches(entry, needle);
        return entry.visible;
      });
    }
    list.update(visible, dropped);
    status.textContent = [
      `${formatNumber(visible.length)} shown`,
      `${formatNumber(kept.length)} kept (at most ${formatNumber(MAX_ROWS)})`,
      `${formatNumber(received)} received`,
      paused ? `paused, ${formatNumber(queue.length)} waiting` : '',
    ]
      .filter(Boolean)
      .join(' · ');
  }
  render();
}
