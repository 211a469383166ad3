/**
 * Validation results per tool: the latest complete run (ok, exit code, duration, problems)
 * and whether a run is going (from `started`, until its `complete`). A cancelled run does not
 * replace the last real result. `validation.run` buttons when the server offers the method.
 */
import {
  count,
  describeError,
  formatTime,
  frameScheduler,
  h,
  replaceKeepingFocus,
} from '../ui/dom.js';
import { collectRecords, isValidationResult } from '../ui/records.js';
import { bindChannelNotice } from '../ui/server-state.js';
import { countSeverities, problemsTable, severityBadges } from './problems.js';

const MAX_PROBLEMS_PER_TOOL = 200;

/** @typedef {{ latest: any, running: Map<string, any> }} ToolState */

/**
 * @param {{
 *   client: import('/lib/client/index.js').SidecarClient,
 *   server: import('../ui/server-state.js').ServerState,
 *   root: HTMLElement,
 *   setBadge: (text: string, tone?: string) => void,
 * }} options
 */
export function mountValidation({ client, server, root, setBadge }) {
  /** @type {Map<string, ToolState>} */
  const tools = new Map();
  const toolState = (/** @type {string} */ tool) => {
    let state = tools.get(tool);
    if (!state) {
      state = { latest: null, running: new Map() };
      tools.set(tool, state);
    }
    return state;
  };

  const runAll = h(
    'button',
    { type: 'button', id: 'validation-run', onclick: () => run() },
    'Run all',
  );
  const notice = h('p');
  bindChannelNotice(notice, server, 'validation', 'validation.run');
  const runError = h('p', {
    class: 'notice',
    role: 'alert',
    hidden: true,
    dataset: { tone: 'bad' },
  });
  const list = h('div', { class: 'tool-list', id: 'validation-tools' });
  root.append(h('div', { class: 'toolbar' }, runAll), notice, runError, list);
  const schedule = frameScheduler(render);
  server.onChange(schedule);

  client.subscribe('validation', (message) => {
    const data = /** @type {any} */ (message.data);
    if (message.type === 'snapshot') {
      // A snapshot is the whole state: runs this page saw start may have ended meanwhile.
      tools.clear();
      for (const result of collectRecords(data, isValidationResult))
        toolState(result.tool).latest = result;
    } else if (message.event === 'started') {
      toolState(data.tool).running.set(data.runId, { ...data, since: message.timestamp });
    } else if (message.event === 'complete') {
      const state = toolState(data.tool);
      state.running.delete(data.runId);
      if (!data.cancelled || !state.latest) state.latest = data;
    }
    schedule();
  });

  /** @param {string} [tool] all tools when absent */
  function run(tool) {
    runError.hidden = true;
    client.request('validation.run', tool ? { tool } : {}).catch((failure) => {
      runError.textContent = `validation.run${tool ? ` ${tool}` : ''} failed: ${describeError(failure)}`;
      runError.hidden = false;
    });
  }

  function render() {
    const canRun = server.hasMethod('validation.run');
    runAll.toggleAttribute('disabled', !canRun);
    let problems = 0;
    let running = 0;
    const cards = [...tools]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([tool, state]) => {
        const { latest } = state;
        const active = [...state.running.values()].at(-1);
        if (active) running++;
        problems += latest?.problems.length ?? 0;
        return h(
          'section',
          {
            class: 'tool',
            dataset: {
              tool,
              state: active ? 'running' : latest ? (latest.ok ? 'ok' : 'failed') : 'none',
            },
          },
          h(
            'header',
            { class: 'tool-header' },
            h('h3', {}, tool),
            h('span', { class: 'tool-state' }, describeRun(latest, active)),
            latest
              ? h('span', { class: 'badges' }, severityBadges(countSeverities(latest.problems)))
              : null,
            canRun
              ? h(
                  'button',
                  {
                    type: 'button',
                    class: 'small',
                    dataset: { focusKey: `validation:${tool}` },
                    onclick: () => run(tool),
                  },
                  `Run ${tool}`,
                )
              : null,
          ),
          latest && latest.problems.length > 0
            ? problemsTable(
                latest.problems.map((/** @type {any} */ problem) => ({
                  severity: problem.severity,
                  position: `${problem.file}:${problem.line}:${problem.column}`,
                  message: problem.message,
                  origin: problem.code === undefined ? '' : String(problem.code),
                })),
                MAX_PROBLEMS_PER_TOOL,
              )
            : null,
        );
      });
    replaceKeepingFocus(
      list,
      ...(cards.length > 0 ? cards : [h('p', { class: 'muted' }, 'No validation runs yet.')]),
    );
    setBadge(
      running > 0 ? '…' : problems > 0 ? String(problems) : '',
      problems > 0 ? 'warning' : '',
    );
  }
  render();
}

/** "running (save of src/a.ts) since 14:02:11", "ok · 1.2 s", "exit 2 · 3 problems · 0.8 s". */
function describeRun(/** @type {any} */ latest, /** @type {any} */ active) {
  if (active) return `running (${active.trigger}) since ${formatTime(active.since).slice(0, 8)}`;
  if (!latest) return 'no result yet';
  const parts = [
    latest.ok ? 'ok' : latest.exitCode === null ? 'stopped' : `exit ${latest.exitCode}`,
  ];
  if (!latest.ok) parts.push(count(latest.problems.length, 'problem'));
  parts.push(`${(latest.durationMs / 1000).toFixed(1)} s`);
  if (latest.cancelled) parts.push('cancelled');
  if (latest.truncated) parts.push('output truncated');
  return parts.join(' · ');
}
