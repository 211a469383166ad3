/**
 * One line of text for an event in the log: the few fields a developer scans for, else the
 * data as compact JSON. Keyed by `channel/event`; unknown events fall back to JSON.
 */
import { count, truncate } from '../ui/dom.js';
import { countSeverities } from './problems.js';

/**
 * A summary per `channel/event`, given that event's `data` as the protocol types it, and per
 * state channel's `channel/snapshot`.
 * @typedef {import('/lib/protocol/index.js').ChannelEventMap} EventMap
 * @typedef {{ [C in keyof EventMap]: `${C}/${keyof EventMap[C] & string}` }[keyof EventMap]} EventKey
 * @typedef {{
 *   [K in EventKey]?: K extends `${infer C extends keyof EventMap}/${infer E extends string}`
 *     ? (data: EventMap[C][E & keyof EventMap[C]]) => string
 *     : never
 * } & {
 *   'git/snapshot': (data: import('/lib/protocol/index.js').GitStatus | null) => string,
 *   'diagnostics/snapshot': (data: import('/lib/protocol/index.js').DiagnosticsSnapshot) => string,
 *   'validation/snapshot': (data: import('/lib/protocol/index.js').ValidationSnapshot) => string,
 *   'editor/snapshot': (data: import('/lib/protocol/index.js').EditorState) => string,
 * }} Summaries
 */

/** @type {Summaries} */
const SUMMARIES = {
  'files/batch': (data) =>
    `${count(data.count, 'change')}: ${data.events
      .slice(0, 3)
      .map((entry) => `${entry.event} ${entry.file}`)
      .join(', ')}${data.count > 3 ? ', …' : ''}`,
  'files/ready': (data) => `${count(data.files, 'file')} watched, scanned in ${data.durationMs} ms`,
  'diagnostics/updated': (data) => {
    const counts = Object.entries(countSeverities(data.diagnostics))
      .filter(([, n]) => n > 0)
      .map(([severity, n]) => count(n, severity));
    return `${data.file} · ${counts.join(', ') || 'no problems'} (${data.server})`;
  },
  'git/status': describeGitStatus,
  // null while the root is in no repository.
  'git/snapshot': (data) => (data ? describeGitStatus(data) : 'no repository'),
  'diagnostics/snapshot': (data) =>
    `${count(new Set(data.files.map((entry) => entry.file)).size, 'file')} with problems`,
  'validation/snapshot': (data) =>
    data.validators.map((validator) => `${validator.tool} ${validator.state}`).join(', ') ||
    'no validators',
  'git/commit': (data) => `${data.sha.slice(0, 7)} ${data.subject} — ${data.author}`,
  'git/branch': (data) => `${data.from ?? 'detached'} → ${data.to ?? 'detached'}`,
  'search/progress': (data) =>
    `${searchName(data)}: ${count(data.count ?? 0, 'result')} so far${data.engine ? ` (${data.engine})` : ''}`,
  'search/results': (data) => `${searchName(data)}: ${count(data.results.length, 'result')}`,
  'search/done': (data) =>
    `${searchName(data)}: ${count(data.count, 'result')}, ${count(data.filesSearched, 'file')} searched${data.cancelled ? ', cancelled' : ''}${data.truncated ? ', truncated' : ''}${data.error ? `, failed: ${data.error}` : ''}`,
  'validation/started': (data) => `${data.tool} (${data.trigger})`,
  'validation/complete': (data) =>
    `${data.tool}: ${
      data.cancelled
        ? 'cancelled'
        : data.timedOut
          ? 'timed out'
          : data.ok
            ? 'ok'
            : count(data.problems.length, 'problem')
    } in ${data.durationMs} ms`,
  'ai-response/chunk': (data) => `${data.id} #${data.index} ${JSON.stringify(data.chunk)}`,
  'ai-response/done': (data) =>
    `${data.id} #${data.index} finished${data.stopReason ? ` (${data.stopReason})` : ''}`,
  'ai-response/error': (data) =>
    `${data.id} #${data.index} ${data.error ? `${data.error.code}: ${data.error.message}` : 'failed'}`,
  'system/source': (data) => `${data.name} ${data.state}${data.message ? `: ${data.message}` : ''}`,
  'system/provider.added': (data) => `${data.method} provided by ${data.clientId}`,
  'system/provider.removed': (data) => `${data.method} no longer provided by ${data.clientId}`,
  'editor/state': describeEditorState,
  'editor/snapshot': describeEditorState,
};

/** Events whose data is `{ file, event }`. */
const FILE_EVENTS = new Set(['add', 'change', 'unlink', 'addDir', 'unlinkDir']);

/**
 * @param {{ channel: string, event?: string, type: string, data: unknown }} message
 * @returns {string}
 */
export function summarize(message) {
  const data = /** @type {any} */ (message.data);
  if (message.type === 'gap') return String(data); // the log's own note, already text
  if (message.channel === 'files' && FILE_EVENTS.has(message.event ?? '')) return data.file;
  const summary = /** @type {Record<string, ((data: any) => string) | undefined>} */ (SUMMARIES)[
    `${message.channel}/${message.type === 'event' ? message.event : message.type}`
  ];
  if (summary) {
    try {
      return summary(data);
    } catch {
      // A producer's odd data: show it raw.
    }
  }
  return truncate(JSON.stringify(data) ?? 'null', 400);
}

/** A search by its query (`"todo"`), which a reader knows, rather than its id. */
const searchName = (/** @type {{ searchId: string, query?: string }} */ data) =>
  data.query === undefined ? data.searchId : JSON.stringify(data.query);

function describeEditorState(/** @type {import('/lib/protocol/index.js').EditorState} */ state) {
  if (!state.provider) return 'no editor connected';
  const dirty = state.openFiles.filter((open) => open.dirty).length;
  return `${state.provider.name ?? 'editor'}: ${state.activeFile ?? 'no file'} · ${count(state.openFiles.length, 'open file')}${dirty ? `, ${dirty} unsaved` : ''}`;
}

function describeGitStatus(/** @type {import('/lib/protocol/index.js').GitStatus} */ status) {
  const changed = new Set([
    ...status.staged,
    ...status.modified,
    ...status.untracked,
    ...status.conflicted,
  ]).size;
  return `${status.branch ?? 'detached'} @ ${status.head?.sha.slice(0, 7) ?? 'no commits'} · ${count(changed, 'changed file')}`;
}
