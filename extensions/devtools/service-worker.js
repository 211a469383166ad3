/**
 * Receives the pairing from the sidecar's dashboard (`externally_connectable`) and keeps it in
 * `chrome.storage.local`, where the panel reads it. Nothing here ever sends the token back out.
 */
import { decidePairingMessage } from './pairing-message.js';

/** The key the panel reads. */
const PAIRING_KEY = 'pairing';

chrome.runtime.onMessageExternal.addListener((message, sender, sendResponse) => {
  const { name, version } = chrome.runtime.getManifest();
  // `origin` is Chromium's own record of the sending page; `url` covers older versions.
  const senderOrigin = sender.origin ?? (sender.url ? new URL(sender.url).origin : undefined);
  const decision = decidePairingMessage(message, senderOrigin, { name, version }, Date.now());
  if (!decision.ok) {
    sendResponse({ ok: false, error: decision.error });
    return false;
  }
  if (!decision.pairing) {
    sendResponse(decision.reply);
    return false;
  }
  chrome.storage.local.set({ [PAIRING_KEY]: decision.pairing }).then(
    () => sendResponse(decision.reply),
    (error) =>
      sendResponse({ ok: false, error: { code: 'INTERNAL_ERROR', message: String(error) } }),
  );
  // The answer comes after the write.
  return true;
});
