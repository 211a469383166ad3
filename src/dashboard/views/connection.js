/**
 * Connection state (header) and the server card: version, root, clients, sources and their
 * states. Everything here comes from the client's `state` events and the server state store.
 */
import { h } from '../ui/dom.js';

/**
 * @param {{
 *   client: import('/lib/client/index.js').SidecarClient,
 *   server: import('../ui/server-state.js').ServerState,
 *   stateElement: HTMLElement,
 *   summaryElement: HTMLElement,
 *   root: HTMLElement,
 * }} options
 */
export function mountConnection({ client, server, stateElement, summaryElement, root }) {
  let everConnected = false;
  client.on('state', ({ state, attempt, error }) => {
    if (state === 'open') everConnected = true;
    let label = state === 'open' ? 'connected' : state;
    if (state === 'connecting' && !attempt) label = 'connecting…';
    if (attempt && state !== 'open') label += ` (attempt ${attempt})`;
    // A browser cannot see why a handshake failed; a wrong token is the usual reason at first.
    if (!everConnected && (attempt ?? 0) >= 2) label += ' — is the token in the URL right?';
    if (error && state === 'closed') label += `: ${error.message}`;
    stateElement.textContent = label;
    stateElement.dataset.state = state;
  });

  const facts = h('dl', { class: 'facts', id: 'server-facts' });
  const problem = h('p', { class: 'notice', role: 'status', hidden: true });
  const sourceList = h('ul', { class: 'sources', id: 'sources', 'aria-label': 'Sources' });
  root.append(facts, problem, h('h3', {}, 'Sources'), sourceList);

  server.onChange(() => {
    const { info } = server;
    // The marks keep a path's slashes in place in the right-to-left box that cuts its start.
    summaryElement.textContent = info ? `\u200e${info.root}\u200e` : '';
    summaryElement.title = info?.root ?? '';
    const fact = (/** @type {string} */ term, /** @type {string} */ value) => [
      h('dt', {}, term),
      h('dd', { title: value }, value),
    ];
    facts.replaceChildren(
      ...(info
        ? [
            ...fact('Version', `${info.name} ${info.version} · protocol ${info.protocol}`),
            ...fact('Clients', String(info.clients)),
            ...fact('Epoch', info.epoch),
          ]
        : []),
    );
    const trouble = server.shutdownReason
      ? `Server shutting down: ${server.shutdownReason}`
      : server.infoError;
    problem.hidden = !trouble;
    problem.textContent = trouble ?? '';
    problem.dataset.tone = 'warn';

    const sources = server.sources();
    sourceList.replaceChildren(
      ...(sources.length === 0
        ? [h('li', { class: 'muted' }, info ? 'No sources configured.' : '…')]
        : sources.map(({ name, state, message }) =>
            h(
              'li',
              { dataset: { state } },
              h('span', { class: 'dot', 'aria-hidden': 'true' }),
              h('span', { class: 'source-name' }, name),
              ' ',
              h('span', { class: 'source-state' }, state),
              message ? [' ', h('span', { class: 'source-message' }, message)] : null,
            ),
          )),
    );
  });
}
