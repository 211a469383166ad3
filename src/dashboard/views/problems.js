import { h } from '../ui/dom.js';

/** Severities as the protocol names them, most severe first, with how the page shows them. */
const SEVERITIES = /** @type {const} */ (['error', 'warning', 'info', 'hint']);

/** Plural labels for counts: "3 errors". */
const SEVERITY_PLURALS = {
  error: 'errors',
  warning: 'warnings',
  info: 'infos',
  hint: 'hints',
};

/** Text symbols, so severity is not told by color alone. */
const SYMBOLS = { error: '✖', warning: '▲', info: 'ℹ', hint: '·' };

/** A severity label: symbol and word, colored by `data-severity`. */
function severityLabel(/** @type {string} */ severity) {
  return h(
    'span',
    { class: 'severity', dataset: { severity } },
    h(
      'span',
      { 'aria-hidden': 'true' },
      /** @type {Record<string, string | undefined>} */ (SYMBOLS)[severity] ?? '•',
    ),
    ` ${severity}`,
  );
}

/**
 * Counts per severity of a list of items that have one.
 * @param {readonly { severity: string }[]} items
 */
export function countSeverities(items) {
  const counts = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const item of items) {
    if (item.severity in counts) counts[/** @type {keyof typeof counts} */ (item.severity)]++;
  }
  return counts;
}

/** "2 errors", "1 warning" badges for the non-zero counts. */
export function severityBadges(/** @type {Record<(typeof SEVERITIES)[number], number>} */ counts) {
  return SEVERITIES.filter((severity) => counts[severity] > 0).map((severity) =>
    h(
      'span',
      { class: 'badge', dataset: { severity } },
      `${counts[severity]} ${counts[severity] === 1 ? severity : SEVERITY_PLURALS[severity]}`,
    ),
  );
}

/**
 * @typedef {{
 *   severity: string, position: string, message: string, origin?: string,
 *   target?: import('./open-in-editor.js').EditorTarget,
 * }} ProblemRow
 */

/**
 * A table of problems (diagnostics, validation results), at most `max` rows, with "N more".
 * @param {ProblemRow[]} problems
 * @param {number} max
 * @param {(target: import('./open-in-editor.js').EditorTarget) => HTMLElement} [openLink]
 *   an "open in editor" button for a row with a `target`
 */
export function problemsTable(problems, max, openLink) {
  return [
    h(
      'table',
      { class: 'problems' },
      h(
        'tbody',
        {},
        problems
          .slice(0, max)
          .map((problem) =>
            h(
              'tr',
              {},
              h('td', { class: 'col-severity' }, severityLabel(problem.severity)),
              h('td', { class: 'col-position', title: problem.position }, problem.position),
              h('td', { class: 'col-message' }, problem.message),
              h('td', { class: 'col-origin muted', title: problem.origin }, problem.origin ?? ''),
              openLink
                ? h('td', { class: 'col-open' }, problem.target ? openLink(problem.target) : '')
                : null,
            ),
          ),
      ),
    ),
    problems.length > max ? h('p', { class: 'muted more' }, `${problems.length - max} more`) : null,
  ];
}
