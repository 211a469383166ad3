/**
 * "Connect the DevTools extension": pairs the sidecar's DevTools panel with this server without
 * copying a token by hand. Three steps, each of which can say what went wrong:
 *
 * 1. `sidecar.ping` to the extension (through `externally_connectable`): is it installed?
 * 2. `server.pair {origin: "chrome-extension://<id>"}`: this server now allows that one
 *    extension's origin (for its lifetime). Only this page may ask (the server checks Origin).
 * 3. `sidecar.pair {url, token}` to the extension, which keeps them for its panel.
 *
 * The extension's id is fixed by the key in its manifest; `?extension=<id>` names another (a
 * build with a key of its own).
 */
import { describeError, h } from '../ui/dom.js';

/** The id of extensions/devtools, from the public key in its manifest.json. */
export const DEFAULT_EXTENSION_ID = 'kegjabieoohmgmcoimljloilkdhnlnbe';
const EXTENSION_ID = /^[a-p]{32}$/;

/**
 * @typedef {{
 *   sendMessage: (id: string, message: unknown, callback: (reply: any) => void) => void,
 *   lastError?: { message?: string },
 * }} ExternalRuntime
 */

/**
 * @param {{
 *   client: import('/lib/client/index.js').SidecarClient,
 *   url: string,
 *   token: string | undefined,
 *   root: HTMLElement,
 * }} options
 */
export function mountPairing({ client, url, token, root }) {
  const requested = new URL(location.href).searchParams.get('extension');
  const extensionId = requested ?? DEFAULT_EXTENSION_ID;
  const button = h(
    'button',
    { type: 'button', id: 'pairing-connect', onclick: () => void pair() },
    'Connect the DevTools extension',
  );
  const status = h('p', { class: 'notice', id: 'pairing-status', role: 'status', hidden: true });
  root.append(button, status);

  function say(/** @type {string} */ text, /** @type {'ok' | 'bad' | 'muted'} */ tone) {
    status.textContent = text;
    status.dataset.tone = tone;
    status.hidden = false;
  }

  async function pair() {
    if (!EXTENSION_ID.test(extensionId)) {
      say(`"${extensionId}" is not an extension id (32 letters a to p).`, 'bad');
      return;
    }
    button.toggleAttribute('disabled', true);
    say('Connecting…', 'muted');
    try {
      const outcome = await pairSteps();
      say(outcome.text, outcome.tone);
    } finally {
      button.toggleAttribute('disabled', false);
    }
  }

  /** @returns {Promise<{ text: string, tone: 'ok' | 'bad' }>} */
  async function pairSteps() {
    // Chromium gives a page `chrome.runtime` only when an installed extension lists it.
    const runtime = /** @type {ExternalRuntime | undefined} */ (
      /** @type {any} */ (globalThis).chrome?.runtime
    );
    const notInstalled = {
      text: `The DevTools extension is not installed (or is disabled) in this browser: no extension ${extensionId}. Load it unpacked from extensions/devtools/dist.`,
      tone: /** @type {const} */ ('bad'),
    };
    if (!runtime?.sendMessage) return notInstalled;
    try {
      await sendToExtension(runtime, extensionId, { type: 'sidecar.ping' });
    } catch {
      return notInstalled;
    }
    try {
      await client.request('server.pair', { origin: `chrome-extension://${extensionId}` });
    } catch (error) {
      return {
        text: `The server did not allow the extension: ${describeError(error)}`,
        tone: 'bad',
      };
    }
    let reply;
    try {
      reply = await sendToExtension(runtime, extensionId, {
        type: 'sidecar.pair',
        url,
        token: token ?? null,
      });
    } catch (error) {
      return { text: `The extension did not answer: ${describeError(error)}`, tone: 'bad' };
    }
    if (!reply?.ok) {
      return { text: `The extension refused: ${describeError(reply?.error)}`, tone: 'bad' };
    }
    return {
      text: 'Paired. Open DevTools (F12) on any page and pick the "Sidecar" panel.',
      tone: 'ok',
    };
  }
}

/**
 * `runtime.sendMessage` as a promise; a missing extension shows as `lastError`.
 * @param {ExternalRuntime} runtime
 * @param {string} id
 * @param {unknown} message
 * @returns {Promise<any>}
 */
function sendToExtension(runtime, id, message) {
  return new Promise((resolve, reject) => {
    try {
      runtime.sendMessage(id, message, (reply) => {
        const failure = runtime.lastError;
        if (failure) reject(new Error(failure.message ?? 'no answer'));
        else resolve(reply);
      });
    } catch (error) {
      reject(error);
    }
  });
}
