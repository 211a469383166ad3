/**
 * Validation results per tool: the latest run with a verdict (ok, exit code, timed out,
 * duration, problems, why it gave none), whether a run is going, and the tools that cannot
 * run and why, from the client's live state of the channel (`client.live('validation')`).
 * `validation.run` buttons when the server offers the method.
 */
import {
  count,
  describeError,
  formatTime,
  frameScheduler,
  h,
  replaceKeepingFocus,
} from '../ui/dom.js';
import { bindChannelNotice } from '../ui/server-state.js';
import { editorLinks } from './open-in-editor.js';
import { countSeverities, problemsTable, severityBadges } from './problems.js';

const MAX_PROBLEMS_PER_TOOL = 200;

/** @typedef {import('/lib/client/index.js').ValidationToolState} ToolState */

/**
 * @param {{
 *   client: import('/lib/client/index.js').SidecarClient,
 *   server: import('../ui/server-state.js').ServerState,
 *   root: HTMLElement,
 *   setBadge: (text: string, tone?: string) => void,
 * }} options
 */
export function mountValidation({ client, server, root, setBadge }) {
  const validation = client.live('validation');
  const openLink = editorLinks(client);
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

  validation.subscribe(schedule);

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
    const cards = [...validation.get().tools].map(([tool, state]) => {
      const { latest, running: active, unavailable } = state;
      if (active) running++;
      problems += latest?.problems.length ?? 0;
      return h(
        'section',
        {
          class: 'tool',
          dataset: {
            tool,
            state: unavailable
              ? 'unavailable'
              : active
                ? 'running'
                : latest
                  ? latest.ok
                    ? 'ok'
                    : 'failed'
                  : 'none',
          },
        },
        h(
          'header',
          { class: 'tool-header' },
          h('h3', {}, tool),
          h('span', { class: 'tool-state' }, describeRun(state)),
          latest
            ? h('span', { class: 'badges' }, severityBadges(countSeverities(latest.problems)))
            : null,
          canRun && !unavailable
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
        unavailable
          ? h('p', { class: 'tool-error', dataset: { tone: 'bad' } }, unavailable)
          : latest?.error
            ? h('p', { class: 'tool-error', dataset: { tone: 'warn' } }, latest.error)
            : null,
        latest && latest.problems.length > 0
          ? problemsTable(
              latest.problems.map((problem) => ({
                severity: problem.severity,
                position: `${problem.file}:${problem.line}:${problem.column}`,
                message: problem.message,
                origin: problem.code ?? '',
                target: { file: problem.file, line: problem.line, column: problem.column },
              })),
              MAX_PROBLEMS_PER_TOOL,
              openLink,
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

/**
 * "running (change) since 14:02:11", "ok · 1.2 s", "exit 2 · 3 problems · 0.8 s",
 * "timed out · 300.0 s", "unavailable".
 * @param {ToolState} state
 */
function describeRun({ latest, running, unavailable }) {
  if (unavailable) return 'unavailable';
  if (running) {
    // A run this page saw start says why and since when; one from the snapshot just runs.
    return running.since === undefined
      ? 'running'
      : `running (${running.trigger}) since ${formatTime(running.since).slice(0, 8)}`;
  }
  if (!latest) return 'no result yet';
  const parts = [
    latest.ok
      ? 'ok'
      : latest.timedOut
        ? 'timed out'
        : latest.exitCode === null
          ? 'did not run'
          : `exit ${latest.exitCode}`,
  ];
  if (!latest.ok) parts.push(count(latest.problems.length, 'problem'));
  parts.push(`${(latest.durationMs / 1000).toFixed(1)} s`);
  if (latest.truncated) parts.push('output truncated');
  return parts.join(' · ');
}
