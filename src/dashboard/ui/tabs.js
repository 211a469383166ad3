/**
 * The WAI-ARIA tabs pattern: one tab stop for the whole tab list, arrow keys (and Home/End)
 * move between tabs and show their panel, the panel follows in the tab order. The selected
 * tab is kept in the URL's hash, so a reload or a shared link opens the same view.
 * @param {HTMLElement} tablist
 */
export function setupTabs(tablist) {
  const tabs = /** @type {HTMLElement[]} */ ([...tablist.querySelectorAll('[role="tab"]')]);
  const panelOf = (/** @type {HTMLElement} */ tab) =>
    /** @type {HTMLElement} */ (document.getElementById(tab.getAttribute('aria-controls') ?? ''));

  function select(/** @type {HTMLElement} */ tab, { focus = false, remember = true } = {}) {
    for (const other of tabs) {
      const selected = other === tab;
      other.setAttribute('aria-selected', String(selected));
      other.tabIndex = selected ? 0 : -1;
      panelOf(other).hidden = !selected;
    }
    if (focus) tab.focus();
    if (!remember) return;
    const url = new URL(location.href);
    url.hash = tab.dataset.view ?? '';
    history.replaceState(history.state, '', url);
  }

  for (const tab of tabs) tab.addEventListener('click', () => select(tab));
  tablist.addEventListener('keydown', (event) => {
    const current = tabs.indexOf(/** @type {HTMLElement} */ (event.target));
    if (current < 0) return;
    const next = {
      ArrowRight: (current + 1) % tabs.length,
      ArrowLeft: (current - 1 + tabs.length) % tabs.length,
      Home: 0,
      End: tabs.length - 1,
    }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    select(/** @type {HTMLElement} */ (tabs[next]), { focus: true });
  });

  const fromHash = tabs.find((tab) => `#${tab.dataset.view}` === location.hash);
  select(fromHash ?? /** @type {HTMLElement} */ (tabs[0]), { remember: false });
}
