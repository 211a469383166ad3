// The dashboard: a page served by the sidecar that uses the project's own client library.
import { BUILTIN_CHANNELS, connect } from '/lib/client/index.js';

const MAX_ROWS = 2000;
const $ = (id) => document.getElementById(id);

/** The token comes once in the URL; keep it for this tab only and take it out of the address bar. */
function takeToken() {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem('sidecar-token', fromUrl);
    url.searchParams.delete('token');
    history.replaceState(null, '', url);
  }
  return sessionStorage.getItem('sidecar-token') ?? undefined;
}

const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
const client = connect({ url: wsUrl, token: takeToken() });
const shown = new Set(BUILTIN_CHANNELS);
let paused = false;
let pending = [];

let everConnected = false;
client.on('state', ({ state, attempt, error }) => {
  if (state === 'open') everConnected = true;
  let label = state === 'open' ? 'connected' : state;
  if (attempt && state !== 'open') label += ` (attempt ${attempt})`;
  // A browser cannot see why a handshake failed; a bad token is the usual reason at first.
  if (!everConnected && (attempt ?? 0) >= 2) label += ' — is the token in the URL right?';
  if (error && state === 'closed') label += `: ${error.message}`;
  $('state').textContent = label;
  $('state').dataset.state = state;
  if (state === 'open') refreshInfo();
});

async function refreshInfo() {
  try {
    const info = await client.request('server.info');
    $('server').textContent = `v${info.version} · ${info.root} · ${info.clients} client(s)`;
    renderSources(info.sources);
  } catch (error) {
    $('server').textContent = `server.info failed: ${error.message}`;
  }
}

const sources = new Map();
function renderSources(list) {
  for (const source of list) sources.set(source.name, source);
  $('sources').replaceChildren(
    ...[...sources.values()].map(({ name, state, message }) => {
      const item = document.createElement('li');
      item.dataset.state = state;
      item.textContent = `${name}: ${state}${message ? ` — ${message}` : ''}`;
      return item;
    }),
  );
}

for (const channel of BUILTIN_CHANNELS) {
  const label = document.createElement('label');
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.checked = true;
  box.addEventListener('change', () => {
    if (box.checked) shown.add(channel);
    else shown.delete(channel);
  });
  label.append(box, ` ${channel}`);
  $('channels').append(label);
  client.subscribe(channel, (message) => {
    if (channel === 'system' && message.type === 'event' && message.event === 'source')
      renderSources([message.data]);
    pending.push(message);
    scheduleRender();
  });
}

$('pause').addEventListener('click', () => {
  paused = !paused;
  $('pause').setAttribute('aria-pressed', String(paused));
  $('pause').textContent = paused ? 'Resume' : 'Pause';
  if (!paused) scheduleRender();
});
$('clear').addEventListener('click', () => $('rows').replaceChildren());

// Rows are added once per animation frame, in one fragment, so a burst does not freeze the page.
let frameRequested = false;
function scheduleRender() {
  if (frameRequested || paused) return;
  frameRequested = true;
  requestAnimationFrame(() => {
    frameRequested = false;
    const filter = $('filter').value.toLowerCase();
    const batch = pending.slice(-MAX_ROWS);
    pending = [];
    const fragment = document.createDocumentFragment();
    for (const message of batch) {
      if (!shown.has(message.channel)) continue;
      const data = JSON.stringify(message.data);
      if (
        filter &&
        !`${message.channel} ${message.event ?? ''} ${data}`.toLowerCase().includes(filter)
      )
        continue;
      const row = document.createElement('tr');
      const cells = [
        new Date(message.timestamp).toLocaleTimeString(),
        message.channel,
        message.type === 'snapshot' ? 'snapshot' : message.event,
        String(message.seq),
        data,
      ];
      for (const text of cells) {
        const cell = document.createElement('td');
        cell.textContent = text;
        cell.title = text;
        row.append(cell);
      }
      fragment.prepend(row);
    }
    const rows = $('rows');
    rows.prepend(fragment);
    while (rows.childElementCount > MAX_ROWS) rows.lastElementChild.remove();
  });
}
