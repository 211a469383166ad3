// The "Sidecar" DevTools panel: the dashboard's own views (copied in by `npm run build`, never
// forked) over the project's browser client, connected with the pairing the service worker
// stored when the dashboard's "Connect the DevTools extension" button was clicked. The views'
// "Open" buttons on problems and search results call `editor.open` on the paired sidecar.

import { byId, mountViews } from './dashboard/ui/mount-views.js';
import { createServerState } from './dashboard/ui/server-state.js';
import { setupTabs } from './dashboard/ui/tabs.js';
import { BUILTIN_CHANNELS, connect } from './lib/client/index.js';

/** Where the service worker keeps `{url, token, origin, pairedAt}`. */
const PAIRING_KEY = 'pairing';
/** Failed attempts before the panel says why it may not get in. */
const ATTEMPTS_BEFORE_HINT = 2;

const notice = byId('pairing-notice');

function say(/** @type {string} */ text, tone = 'muted') {
  notice.textContent = text;
  notice.dataset.tone = tone;
  notice.hidden = !text;
}

// A new pairing (the dashboard's button clicked again, maybe for another server) starts over.
chrome.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && PAIRING_KEY in changes) location.reload();
});

const { [PAIRING_KEY]: pairing } = await chrome.storage.local.get(PAIRING_KEY);
setupTabs(byId('view-tabs'));
if (!pairing) {
  say(
    'Not paired with a sidecar yet. Open its dashboard (the link `sidecar serve` prints) and click "Connect the DevTools extension".',
  );
} else {
  follow(connect({ url: pairing.url, token: pairing.token ?? undefined }), pairing.url);
}

function follow(
  /** @type {import('./lib/client/index.js').SidecarClient} */ client,
  /** @type {string} */ url,
) {
  const server = createServerState(client);
  say(`Paired with ${url}`);
  let everConnected = false;
  client.on('state', ({ state, attempt }) => {
    if (state === 'open') {
      everConnected = true;
      say(`Paired with ${url}`);
    } else if (!everConnected && (attempt ?? 0) >= ATTEMPTS_BEFORE_HINT) {
      // A browser cannot see why a handshake failed. A restarted sidecar has forgotten this
      // extension's origin (pairing lasts for the server's lifetime), or has a new token.
      say(
        `Cannot connect to ${url}. Is the sidecar running? After a restart, pair again from its dashboard.`,
        'warn',
      );
    }
  });
  // Every view subscribes before the connection opens, as in the dashboard.
  mountViews({ client, server, channels: BUILTIN_CHANNELS });
}
