// Small DOM helpers shared by the views. No framework: each view owns its elements and
// writes to them at most once per animation frame.

/** @typedef {Node | string | number | null | undefined | false} Child */

/**
 * Creates an element. `props` become attributes (`true` → empty attribute, `false`/null →
 * left out), except `class`, `dataset` and `on<event>` listeners.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, unknown>} [props]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') element.className = String(value);
    else if (key === 'dataset') Object.assign(element.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function')
      element.addEventListener(key.slice(2), /** @type {EventListener} */ (value));
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'number' ? String(child) : child);
  }
  return element;
}

/**
 * Returns `schedule()`: the first call in a frame asks for one animation frame, in which
 * `render` runs once, however many events arrived meanwhile. This is what keeps a burst of
 * thousands of events from costing thousands of layouts.
 * @param {() => void} render
 */
export function frameScheduler(render) {
  let requested = false;
  return function schedule() {
    if (requested) return;
    requested = true;
    requestAnimationFrame(() => {
      requested = false;
      render();
    });
  };
}

/**
 * Replaces a container's children without losing the keyboard focus: an element that is
 * redrawn carries `data-focus-key`, and its new copy gets the focus back.
 * @param {HTMLElement} container
 * @param {...(Node | string | null)} children
 */
export function replaceKeepingFocus(container, ...children) {
  const active = document.activeElement;
  const key =
    active instanceof HTMLElement && container.contains(active)
      ? active.dataset.focusKey
      : undefined;
  container.replaceChildren(...children.filter((child) => child !== null));
  if (key === undefined) return;
  const again = container.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
  if (again instanceof HTMLElement) again.focus();
}

/**
 * A `<details>` whose open state survives redraws: `choices` remembers what the user picked
 * for each key; until then it is `openByDefault`. Its `<summary>` keeps the focus (see
 * `replaceKeepingFocus`).
 * @param {Map<string, boolean>} choices
 * @param {{ key: string, openByDefault: boolean, summary: Array<Node | string | null>, props?: Record<string, unknown> }} options
 * @param {...(Node | string | null | Node[])} children
 */
export function rememberedDetails(
  choices,
  { key, openByDefault, summary, props = {} },
  ...children
) {
  const details = /** @type {HTMLDetailsElement} */ (
    h(
      'details',
      { ...props, open: choices.get(key) ?? openByDefault },
      h('summary', { dataset: { focusKey: key } }, ...summary),
      ...children,
    )
  );
  details.addEventListener('toggle', () => choices.set(key, details.open));
  return details;
}

/** True when a scroll container shows its end, so new rows should keep it there. */
export function isScrolledToEnd(/** @type {HTMLElement} */ element) {
  return element.scrollHeight - element.scrollTop - element.clientHeight < 4;
}

const pad = (/** @type {number} */ n, width = 2) => String(n).padStart(width, '0');

/** `14:03:27.118`: fixed width, so columns do not move. */
export function formatTime(/** @type {number} */ timestamp) {
  const date = new Date(timestamp);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

const numberFormat = new Intl.NumberFormat('en');
/** `1,204 files`, `1 file`. */
export function count(/** @type {number} */ n, /** @type {string} */ noun, plural = `${noun}s`) {
  return `${numberFormat.format(n)} ${n === 1 ? noun : plural}`;
}

export const formatNumber = (/** @type {number} */ n) => numberFormat.format(n);

/** `Error: UNAVAILABLE — not a git repository` from a client error (which carries `code`). */
export function describeError(/** @type {any} */ error) {
  if (error && typeof error === 'object' && 'code' in error)
    return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** Up to `max` characters of `text`, with an ellipsis when cut. */
export function truncate(/** @type {string} */ text, /** @type {number} */ max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
