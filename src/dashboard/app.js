// The dashboard: the reference devtools panel. It uses the project's own client library (served
// under /lib/) and is made of one module per view; each view draws its channel's live state
// (`client.live(channel)`, which folds snapshot and events) at most once per animation frame.
import { BUILTIN_CHANNELS, connect } from '/lib/client/index.js';
import { byId, mountViews } from './ui/mount-views.js';
import { createServerState } from './ui/server-state.js';
import { setupTabs } from './ui/tabs.js';
import { mountPairing } from './views/pairing.js';

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

const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
const token = takeToken();
const client = connect({ url: wsUrl, token });
const server = createServerState(client);

// Every view subscribes now, before the connection opens.
mountViews({ client, server, channels: BUILTIN_CHANNELS });
mountPairing({ client, url: wsUrl, token, root: byId('pairing-view') });
setupTabs(byId('view-tabs'));
