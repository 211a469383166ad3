/**
 * What the page knows about the server: `server.info` (fetched on every connection), the methods
 * it offers, and each source's state, kept current from `system` `source` events. Views ask it
 * why a channel is quiet.
 */
import { describeError } from './dom.js';

/** Source states in which a channel gets no (or incomplete) events. */
const TROUBLE_STATES = new Set(['unavailable', 'failed', 'stopped', 'error']);

/**
 * @typedef {import('/lib/protocol/index.js').SourceStateData} SourceState
 * @typedef {{ tone: 'bad' | 'warn' | 'muted', text: string }} ChannelNotice
 */

/** @param {import('/lib/client/index.js').SidecarClient} client */
export function createServerState(client) {
  /** @type {import('/lib/protocol/index.js').ServerInfo | null} */
  let info = null;
  /** @type {string | null} */
  let infoError = null;
  /** @type {string | null} */
  let shutdownReason = null;
  let methods = new Set();
  /** @type {Map<string, SourceState>} */
  const sources = new Map();
  /** @type {Set<() => void>} */
  const listeners = new Set();
  const notify = () => {
    for (const listener of listeners) listener();
  };

  async function refresh() {
    try {
      const fetched = await client.request('server.info');
      info = fetched;
      infoError = null;
      methods = new Set(fetched.methods);
      sources.clear();
      for (const source of fetched.sources) sources.set(source.name, source);
    } catch (error) {
      infoError = `server.info failed: ${describeError(error)}`;
    }
    notify();
  }

  client.on('welcome', (welcome) => {
    methods = new Set(welcome.methods);
    shutdownReason = null;
    notify();
  });
  client.on('state', ({ state }) => {
    if (state === 'open') refresh();
  });
  client.subscribe('system', (message) => {
    if (message.type !== 'event') return;
    if (message.event === 'source') sources.set(message.data.name, message.data);
    else if (message.event === 'shutdown') shutdownReason = message.data.reason;
    else if (info && (message.event === 'connected' || message.event === 'disconnected'))
      info = { ...info, clients: message.data.clients };
    else return;
    notify();
  });

  /** The sources that feed `channel`, parts included (`diagnostics:typescript`). */
  const sourcesFor = (/** @type {string} */ channel) =>
    [...sources.values()].filter((source) => source.channel === channel);

  return {
    get info() {
      return info;
    },
    get infoError() {
      return infoError;
    },
    get shutdownReason() {
      return shutdownReason;
    },
    sources: () => [...sources.values()],
    hasMethod: (/** @type {string} */ name) => methods.has(name),
    /** @param {() => void} listener */
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /**
     * Why `channel` may be quiet, or what its running sources say (progress, a limit), or null.
     * `method` is the request the view needs; its absence from the server's methods means no
     * source for it runs at all.
     * @param {string} channel
     * @param {string} [method]
     * @returns {ChannelNotice | null}
     */
    noticeFor(channel, method) {
      const feeding = sourcesFor(channel);
      const troubled = feeding.filter((source) => TROUBLE_STATES.has(source.state));
      if (troubled.length > 0) {
        return {
          // A part that cannot run (one check, one language server) while its source runs on
          // is a warning; the whole source down is bad news.
          tone: troubled.some((source) => source.state !== 'error' && !source.name.includes(':'))
            ? 'bad'
            : 'warn',
          text: troubled
            .map(
              ({ name, state, message }) => `${name} is ${state}${message ? `: ${message}` : ''}`,
            )
            .join(' · '),
        };
      }
      const starting = feeding.filter((source) => source.state === 'starting');
      if (starting.length > 0) {
        return {
          tone: 'muted',
          text: `${starting.map((source) => source.name).join(', ')} starting…`,
        };
      }
      // A running source's message is its progress (`Indexing: src (40%)`) or a limit it hit.
      const saying = feeding.filter((source) => source.message);
      if (saying.length > 0) {
        return {
          tone: 'muted',
          text: saying.map(({ name, message }) => `${name}: ${message}`).join(' · '),
        };
      }
      if (feeding.length === 0 && info && method && !methods.has(method)) {
        return {
          tone: 'muted',
          text: `No ${channel} source runs on this server (it offers no ${method} method).`,
        };
      }
      return null;
    },
  };
}

/** @typedef {ReturnType<typeof createServerState>} ServerState */

/**
 * Keeps `element` showing the server's notice for `channel` (hidden when there is none).
 * @param {HTMLElement} element
 * @param {ServerState} server
 * @param {string} channel
 * @param {string} [method]
 */
export function bindChannelNotice(element, server, channel, method) {
  element.classList.add('notice');
  element.setAttribute('role', 'status');
  const render = () => {
    const notice = server.noticeFor(channel, method);
    element.hidden = !notice;
    element.textContent = notice?.text ?? '';
    element.dataset.tone = notice?.tone ?? '';
  };
  server.onChange(render);
  render();
}
