// The dashboard's views mounted into its page layout (the element ids of index.html), shared
// by the dashboard and the DevTools extension's panel, which has the same layout.
import { mountAi } from '../views/ai.js';
import { mountConnection } from '../views/connection.js';
import { mountDiagnostics } from '../views/diagnostics.js';
import { mountEventLog } from '../views/event-log.js';
import { mountGit } from '../views/git.js';
import { mountSearch } from '../views/search.js';
import { mountValidation } from '../views/validation.js';

export const byId = (/** @type {string} */ id) =>
  /** @type {HTMLElement} */ (document.getElementById(id));

/** A view's way to put a count on its tab ("3", "2 live"), so a hidden view still says news. */
function tabBadge(/** @type {string} */ view) {
  const badge = /** @type {HTMLElement} */ (byId(`tab-${view}`).querySelector('.badge'));
  return (/** @type {string} */ text, tone = '') => {
    badge.textContent = text;
    badge.dataset.tone = tone;
    badge.hidden = !text;
  };
}

/**
 * Mounts every view. Call it before the connection opens, so each state channel's first
 * snapshot reaches all of its views.
 *
 * @param {{
 *   client: import('/lib/client/index.js').SidecarClient,
 *   server: import('./server-state.js').ServerState,
 *   channels: readonly import('/lib/protocol/index.js').Channel[],
 * }} options
 */
export function mountViews({ client, server, channels }) {
  mountConnection({
    client,
    server,
    stateElement: byId('connection-state'),
    summaryElement: byId('server-summary'),
    root: byId('server-view'),
  });
  mountGit({ client, server, root: byId('git-view') });
  mountEventLog({ client, channels, root: byId('panel-events') });
  mountDiagnostics({
    client,
    server,
    root: byId('panel-diagnostics'),
    setBadge: tabBadge('diagnostics'),
  });
  mountSearch({ client, server, root: byId('panel-search'), setBadge: tabBadge('search') });
  mountValidation({
    client,
    server,
    root: byId('panel-validation'),
    setBadge: tabBadge('validation'),
  });
  mountAi({ client, server, root: byId('panel-ai'), setBadge: tabBadge('ai') });
}
