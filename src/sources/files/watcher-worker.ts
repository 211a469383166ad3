/**
 * The files watcher's worker thread: the engine's scan and event handling run here, so the
 * server's event loop only relays a few coalesced messages. Started with the session's settings
 * as `workerData`; `{ type: 'stop' }` closes the watcher and answers `{ type: 'stopped' }`.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { toWatchProblem } from './watch-engine.js';
import { createWatchSession, type WatchSessionSettings } from './watch-session.js';

const port = parentPort;
if (port) {
  const session = createWatchSession({
    ...(workerData as WatchSessionSettings),
    post: (message) => port.postMessage(message),
  });
  port.on('message', (message: { type?: string }) => {
    if (message?.type !== 'stop') return;
    session
      .stop()
      .catch(() => {}) // closing is best effort: the thread ends anyway
      .finally(() => {
        port.postMessage({ type: 'stopped' });
        port.close();
      });
  });
  session.start().catch((error: unknown) => {
    port.postMessage({ type: 'problem', problem: toWatchProblem(error) });
  });
}
