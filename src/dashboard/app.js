// The dashboard: the reference devtools panel. It uses the project's own client library (served
// under /lib/) and is made of one module per view; each view draws its channel's live state
// (`client.live(channel)`, which folds snapshot and events) at most once per animation frame.
import { BUILTIN_CHANNELS, connect } from '/lib/client/index.js';
import { createServerState } from './ui/server-state.js';
import { setupTabs } from './ui/tabs.js';
import { mountAi } from './views/ai.js';
import { mountConnection } from './views/connection.js';
import { mountDiagnostics } from './views/diagnostics.js';
import { mountEventLog } from './views/event-log.js';
import { mountGit } from './views/git.js';
import { mountPairing } from './views/pairing.js';
import { mountSearch } from './views/search.js';
import { mountValidation } from './views/validation.js';

const TOKEN_KEY = 'sidecar-token';

/** The token comes once in the URL; keep it for this tab only and take it out of the address bar. */
function takeToken() {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url);
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

const byId = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** A view's way to put a count on its tab ("3", "2 live"), so a hidden view still says news. */
function tabBadge(/** @type {string} */ view) {
  const badge = /** @type {HTMLElement} */ (byId(`tab-${view}`).querySelector('.badge'));
  return (/** @type {string} */ text, tone = '') => {
    badge.textContent = text;
    badge.dataset.tone = tone;
    badge.hidden = !text;
  };
}

const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
const token = takeToken();
const client = connect({ url: wsUrl, token });
const server = createServerState(client);

// Every view subscribes now, before the connection opens, so each state channel's first
// snapshot reaches all of its views.
mountConnection({
  client,
  server,
  stateElement: byId('connection-state'),
  summaryElement: byId('server-summary'),
  root: byId('server-view'),
});
mountGit({ client, server, root: byId('git-view') });
mountPairing({ client, url: wsUrl, token, root: byId('pairing-view') });
mountEventLog({ client, channels: BUILTIN_CHANNELS, root: byId('panel-events') });
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
setupTabs(byId('view-tabs'));
