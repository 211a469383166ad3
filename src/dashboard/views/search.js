/**
 * The search box: `search.start`, then the results as they stream in on the `search` channel
 * (grouped by file, matches highlighted), progress, a cancel button (`search.cancel`) and the
 * final state from `done` (count, truncated, cancelled). A failed request shows its error.
 *
 * The search source answers `search.start` before it emits anything for that search, so the
 * page knows the `searchId` before the first event that carries it; events of other searches
 * (other pages', a superseded one of this page) are ignored.
 */
import { count, describeError, formatNumber, frameScheduler, h } from '../ui/dom.js';
import { bindChannelNotice } from '../ui/server-state.js';
import { editorLinks } from './open-in-editor.js';

/** Matches drawn at most; the count covers all of them. */
const MAX_SHOWN = 2000;
/** How much of a long line is shown around its first match. */
const LINE_WINDOW = 240;

/**
 * @typedef {{
 *   searchId: string | null, shown: number, count: number, files: Map<string, HTMLElement>,
 *   done: import('/lib/protocol/index.js').SearchDoneData | null,
 *   progress: import('/lib/protocol/index.js').SearchProgressData | null,
 *   error: string | null,
 * }} SearchState
 */

/**
 * @param {{
 *   client: import('/lib/client/index.js').SidecarClient,
 *   server: import('../ui/server-state.js').ServerState,
 *   root: HTMLElement,
 *   setBadge: (text: string, tone?: string) => void,
 * }} options
 */
export function mountSearch({ client, server, root, setBadge }) {
  const openLink = editorLinks(client);
  /** The search on screen: null before the first one. */
  let current = /** @type {SearchState | null} */ (null);
  /** Bumped by each submit, so the answer of a superseded search.start is ignored. */
  let generation = 0;
  /** Matches waiting for the next frame. */
  let incoming = /** @type {import('/lib/protocol/index.js').SearchMatch[]} */ ([]);

  const query = h('input', {
    type: 'search',
    id: 'search-query',
    name: 'query',
    placeholder: 'Search the workspace',
    'aria-label': 'Search text',
    autocomplete: 'off',
    required: true,
  });
  const include = h('input', {
    type: 'text',
    id: 'search-include',
    placeholder: 'files to include, e.g. src/**/*.ts',
    'aria-label': 'Files to include (globs, comma-separated)',
    autocomplete: 'off',
  });
  const option = (
    /** @type {string} */ name,
    /** @type {string} */ label,
    /** @type {string} */ title,
  ) => h('label', { class: 'toggle', title }, h('input', { type: 'checkbox', name }), label);
  const startButton = h('button', { type: 'submit', id: 'search-start' }, 'Search');
  const cancelButton = h(
    'button',
    { type: 'button', id: 'search-cancel', disabled: true, onclick: cancel },
    'Cancel',
  );
  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { class: 'search-form', role: 'search', onsubmit: start },
      h('div', { class: 'search-row' }, query, startButton, cancelButton),
      h(
        'div',
        { class: 'search-row' },
        option('regex', '.* Regex', 'Regular expression'),
        option('caseSensitive', 'Aa Match case', 'Match case'),
        option('wholeWord', 'ab Whole word', 'Whole word'),
        include,
      ),
    )
  );
  const notice = h('p');
  bindChannelNotice(notice, server, 'search', 'search.start');
  const error = h('p', { class: 'notice', id: 'search-error', role: 'alert', hidden: true });
  const status = h('p', { class: 'search-status', id: 'search-status', 'aria-live': 'polite' });
  const results = h('ol', {
    class: 'search-results',
    id: 'search-results',
    'aria-label': 'Results',
  });
  root.append(form, notice, error, status, h('div', { class: 'scroll' }, results));
  const schedule = frameScheduler(render);

  client.subscribe('search', (message) => {
    if (message.type !== 'event') return;
    if (current?.searchId && message.data.searchId === current.searchId) apply(message);
  });

  async function start(/** @type {SubmitEvent} */ event) {
    event.preventDefault();
    if (current?.searchId && !current.done) cancel();
    const mine = ++generation;
    const fields = new FormData(form);
    const globs = include.value
      .split(',')
      .map((glob) => glob.trim())
      .filter(Boolean);
    current = {
      searchId: null,
      shown: 0,
      count: 0,
      files: new Map(),
      done: null,
      progress: null,
      error: null,
    };
    incoming = [];
    results.replaceChildren();
    cancelButton.toggleAttribute('disabled', true);
    schedule();
    try {
      const { searchId } = await client.request('search.start', {
        query: query.value,
        regex: fields.has('regex'),
        caseSensitive: fields.has('caseSensitive'),
        wholeWord: fields.has('wholeWord'),
        ...(globs.length > 0 ? { include: globs } : {}),
      });
      if (mine !== generation) {
        client.request('search.cancel', { searchId }).catch(() => {});
        return;
      }
      current.searchId = searchId;
      cancelButton.toggleAttribute('disabled', false);
    } catch (failure) {
      if (mine !== generation) return;
      current.error = describeError(failure);
    }
    schedule();
  }

  function cancel() {
    const searchId = current?.searchId;
    if (!searchId) return;
    cancelButton.toggleAttribute('disabled', true);
    client.request('search.cancel', { searchId }).catch((failure) => {
      if (current?.searchId !== searchId) return;
      current.error = describeError(failure);
      schedule();
    });
  }

  /** @param {import('/lib/client/index.js').ChannelMessage<'search'>} message */
  function apply(message) {
    if (!current || message.type !== 'event') return;
    if (message.event === 'results') {
      current.count += message.data.results.length;
      // Only what will be drawn is held; the count covers the rest.
      for (const match of message.data.results) {
        if (current.shown + incoming.length >= MAX_SHOWN) break;
        incoming.push(match);
      }
    } else if (message.event === 'progress') {
      current.progress = message.data;
    } else if (message.event === 'done') {
      current.done = message.data;
      cancelButton.toggleAttribute('disabled', true);
    }
    schedule();
  }

  function render() {
    error.hidden = !current?.error;
    error.textContent = current?.error ?? '';
    if (!current) {
      status.textContent = 'Type a query and press Enter.';
      return;
    }
    const fragment = document.createDocumentFragment();
    for (const match of incoming) {
      current.shown++;
      let group = current.files.get(match.file);
      if (!group) {
        group = h('ol', { class: 'matches' });
        current.files.set(match.file, group);
        fragment.append(
          h(
            'li',
            { class: 'result-file', dataset: { file: match.file } },
            h('span', { class: 'file-name' }, match.file),
            group,
          ),
        );
      }
      group.append(matchLine(match, openLink));
    }
    incoming = [];
    results.append(fragment);

    const { done, progress } = current;
    const files = current.files.size;
    let text;
    if (current.error) text = '';
    else if (!current.searchId) text = 'Starting…';
    else if (done) {
      text = `${count(done.count, 'result')} in ${count(files, 'file')} · ${count(done.filesSearched, 'file')} searched · ${done.durationMs} ms`;
      if (done.engine) text += ` · ${done.engine}`;
      if (done.truncated) text += ' · truncated (result limit reached)';
      if (done.cancelled) text += ' · cancelled';
      // The engine failed: what was found until then is shown.
      if (done.error) text += ` · stopped early: ${done.error}`;
    } else {
      text = `Searching${progress?.engine ? ` with ${progress.engine}` : ''}… ${count(current.count, 'result')}`;
    }
    if (current.count > current.shown && current.shown >= MAX_SHOWN)
      text += ` · first ${formatNumber(MAX_SHOWN)} shown`;
    status.textContent = text;
    status.dataset.state =
      current.error || done?.error
        ? 'error'
        : !done
          ? 'running'
          : done.cancelled
            ? 'cancelled'
            : 'done';
    setBadge(current.count > 0 ? formatNumber(current.count) : '');
  }
  render();
}

/**
 * One result line: `12:5  text` with the matched ranges marked. A long line is cut to a
 * window around its first match (the server already sends a window of a very long line, from
 * `textStart`).
 * @param {import('/lib/protocol/index.js').SearchMatch} match
 * @param {(target: import('./open-in-editor.js').EditorTarget) => HTMLElement} openLink
 */
function matchLine(match, openLink) {
  const ranges = match.matches;
  const from = Math.max(0, (ranges[0]?.start ?? 0) - 40);
  const to = Math.min(match.text.length, from + LINE_WINDOW);
  const line = h('code', { class: 'match-text' });
  if (from > 0 || match.textStart) line.append('…');
  let at = from;
  for (const { start, end } of ranges) {
    const markStart = Math.max(start, at);
    const markEnd = Math.min(end, to);
    if (markEnd <= markStart) continue;
    line.append(
      match.text.slice(at, markStart),
      h('mark', {}, match.text.slice(markStart, markEnd)),
    );
    at = markEnd;
  }
  line.append(match.text.slice(at, to));
  if (to < match.text.length) line.append('…');
  return h(
    'li',
    { class: 'match' },
    h('span', { class: 'match-position' }, `${match.line}:${match.column + 1}`),
    line,
    // The column is 0-based here; editor.open counts from 1.
    openLink({ file: match.file, line: match.line, column: match.column + 1 }),
  );
}
