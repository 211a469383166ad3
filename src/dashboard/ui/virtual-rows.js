/**
 * A scrolling list of fixed-height rows that keeps only the rows in view (plus a margin) in the
 * page. However many items it holds, a redraw touches a few dozen elements, so the cost of a
 * frame does not grow with the list: a burst of thousands of events stays cheap to show.
 *
 * The items are the caller's; `rowFor(item)` makes (or reuses) an item's element. Scrolled to
 * the end, the list follows new items; scrolled up, it keeps the same items in view, also when
 * the oldest items are dropped.
 */
import { frameScheduler, h, isScrolledToEnd } from './dom.js';

/**
 * @template T
 * @param {{ rowHeight: number, rowFor: (item: T) => HTMLElement, label: string, id: string, overscan?: number }} options
 */
export function createVirtualRows({ rowHeight, rowFor, label, id, overscan = 10 }) {
  /** @type {T[]} */
  let items = [];
  /** Scrolled to the end: new items scroll into view. Kept while the list is hidden. */
  let following = true;
  const rows = h('div', { role: 'none', class: 'virtual-window', id });
  const spacer = h('div', { role: 'none', class: 'virtual-spacer' }, rows);
  // A row group of the table around it; focusable, so the keyboard can scroll it.
  const scroller = h(
    'div',
    { role: 'rowgroup', class: 'virtual-scroll', tabindex: '0', 'aria-label': label },
    spacer,
  );

  function draw() {
    const first = Math.max(0, Math.floor(scroller.scrollTop / rowHeight) - overscan);
    const last = Math.min(
      items.length,
      Math.ceil((scroller.scrollTop + scroller.clientHeight) / rowHeight) + overscan,
    );
    const fragment = document.createDocumentFragment();
    for (let index = first; index < last; index++) {
      const row = rowFor(/** @type {T} */ (items[index]));
      row.setAttribute('aria-rowindex', String(index + 2)); // row 1 is the header
      fragment.append(row);
    }
    rows.style.transform = `translateY(${first * rowHeight}px)`;
    rows.replaceChildren(fragment);
  }
  const drawSoon = frameScheduler(draw);
  scroller.addEventListener('scroll', () => {
    if (scroller.clientHeight > 0) following = isScrolledToEnd(scroller);
    drawSoon();
  });
  // Shown again (a hidden tab has no size) or resized: fill the new view.
  new ResizeObserver(() => {
    if (following) scroller.scrollTop = scroller.scrollHeight;
    draw();
  }).observe(scroller);

  return {
    scroller,
    /**
     * Shows `next`. `droppedFromStart` is how many of the previous first items are gone, so a
     * reader scrolled up keeps seeing the same rows.
     * @param {T[]} next
     * @param {number} [droppedFromStart]
     */
    update(next, droppedFromStart = 0) {
      items = next;
      spacer.style.height = `${items.length * rowHeight}px`;
      if (following) scroller.scrollTop = scroller.scrollHeight;
      else if (droppedFromStart > 0) scroller.scrollTop -= droppedFromStart * rowHeight;
      draw();
    },
  };
}
