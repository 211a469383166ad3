// @ts-check
/**
 * The client side of `bench/fanout.js`, run in a worker thread so that the subscribers' frame
 * parsing and JSON.parse do not run on the server's event loop: on a 2-core machine the server
 * thread and this thread each get a core, and the server's throughput is measured, not the sum
 * of both sides' work.
 *
 * For each job the worker connects N subscribers and one producer to the target, publishes a
 * warm-up batch, then the measured batch, and answers with throughput and latency figures.
 *
 * Flow control: the producer keeps at most `window` events in flight, an event being in flight
 * from the moment it is sent until every subscriber has received it. Without a bound the
 * producer would only measure how fast it can fill socket buffers (and the sidecar would
 * rightly close subscribers as slow consumers); with it, throughput is what the server
 * sustains end to end, and latency includes at most `window` events of queueing.
 */
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { WebSocket } from 'ws';
import { withTimeout } from './lib/async.js';
import { quantile } from './lib/stats.js';

/**
 * @typedef {object} FanoutJob
 * @property {string} target Name used in messages, e.g. `"sidecar"`.
 * @property {string} url WebSocket URL.
 * @property {Record<string, string>} headers Handshake headers (the sidecar's bearer token).
 * @property {string | null} subscribe Channel to send a `subscribe` for, or null when the
 *   server sends everything to everyone (the bare relay).
 * @property {string} eventType The `type` of the messages subscribers count: `"event"` from the
 *   sidecar, `"publish"` from the bare relay (it forwards the producer's message as is).
 * @property {string} channel Channel the producer publishes on.
 * @property {number} clients Subscriber connections.
 * @property {number} events Measured events.
 * @property {number} warmup Events published first and not measured.
 * @property {number} size Payload length in bytes.
 * @property {number} window Events in flight at most.
 * @property {number} timeoutMs Bound on every single wait.
 */

/**
 * @typedef {object} FanoutResult
 * @property {number} published Events published in the measured phase.
 * @property {number} deliveries Events received, summed over subscribers.
 * @property {number} durationMs From the first send to the last delivery.
 * @property {{ p50: number, p99: number, max: number, mean: number }} latencyMs
 * @property {number} clientLoopBusy Share of the measured phase this thread was not idle (0..1).
 */

/**
 * @typedef {object} Phase One batch of events, from the first send to the last delivery.
 * @property {number} count Events to publish.
 * @property {number} sent
 * @property {number} completed Events every subscriber has received.
 * @property {Uint16Array} receivers Per event: subscribers that have received it.
 * @property {Uint32Array} received Per subscriber: events it has received in this phase.
 * @property {Float64Array | null} latencies Per delivery, in ms; null in the warm-up.
 * @property {number} recorded
 * @property {() => void} resolve
 * @property {(error: Error) => void} reject
 */

/** Wall-clock milliseconds with sub-millisecond precision, comparable across threads. */
const now = () => performance.timeOrigin + performance.now();

const SUBSCRIBE_ID = 'bench-subscribe';

if (!parentPort) throw new Error('bench/fanout-clients.js runs as a worker of bench/fanout.js');
const port = parentPort;

port.on('message', (/** @type {{ id: number, job: FanoutJob }} */ { id, job }) => {
  runJob(job, (measuring) => port.postMessage({ id, measuring })).then(
    (result) => port.postMessage({ id, result }),
    (error) =>
      port.postMessage({ id, error: error instanceof Error ? error.message : String(error) }),
  );
});

/**
 * Connects, warms up, measures, disconnects.
 *
 * @param {FanoutJob} job
 * @param {(measuring: 'start' | 'end') => void} signal Called just before the measured phase
 *   starts and as soon as it ends, so the server side can measure the same interval.
 * @returns {Promise<FanoutResult>}
 */
async function runJob(job, signal) {
  const subscribers = await withTimeout(
    Promise.all(Array.from({ length: job.clients }, () => openSocket(job.url, job.headers))),
    job.timeoutMs,
    `for ${job.clients} subscribers to connect to ${job.target}`,
  );
  const producer = await withTimeout(
    openSocket(job.url, job.headers),
    job.timeoutMs,
    `for the producer to connect to ${job.target}`,
  );
  const sockets = [...subscribers, producer];
  try {
    const channel = job.subscribe;
    if (channel) {
      await withTimeout(
        Promise.all(subscribers.map((socket) => subscribe(socket, channel))),
        job.timeoutMs,
        `for ${job.clients} subscriptions to ${job.target}`,
      );
    }
    const fanout = createFanout(job, subscribers, producer);
    if (job.warmup > 0) await fanout.runPhase(job.warmup, false);

    signal('start');
    const busyBefore = performance.eventLoopUtilization();
    const startedAt = performance.now();
    const measured = await fanout.runPhase(job.events, true);
    const durationMs = performance.now() - startedAt;
    const clientLoopBusy = performance.eventLoopUtilization(busyBefore).utilization;
    signal('end');

    const latencies = /** @type {Float64Array} */ (measured.latencies).sort();
    let sum = 0;
    for (const latency of latencies) sum += latency;
    return {
      published: measured.count,
      deliveries: latencies.length,
      durationMs,
      latencyMs: {
        p50: quantile(latencies, 0.5),
        p99: quantile(latencies, 0.99),
        max: quantile(latencies, 1),
        mean: sum / latencies.length,
      },
      clientLoopBusy,
    };
  } finally {
    for (const socket of sockets) socket.removeAllListeners('close');
    await closeAll(sockets, job.timeoutMs);
  }
}

/**
 * Wires the producer and the subscribers of one job: returns `runPhase(count, measured)`, which
 * publishes `count` events under the window and resolves once every subscriber has all of them.
 *
 * @param {FanoutJob} job
 * @param {WebSocket[]} subscribers
 * @param {WebSocket} producer
 */
function createFanout(job, subscribers, producer) {
  const payload = 'x'.repeat(job.size);
  /** @type {Phase | null} */
  let phase = null;
  /** @type {Error | null} A failure between phases, reported when the next one starts. */
  let failure = null;

  /** @param {string} reason */
  const fail = (reason) => {
    const error = new Error(`${job.target}: ${reason}`);
    if (phase) phase.reject(error);
    else failure ??= error;
  };

  const publishWhileWindowAllows = () => {
    const current = /** @type {Phase} */ (phase);
    while (current.sent < current.count && current.sent - current.completed < job.window) {
      const data = { t: now(), payload };
      producer.send(JSON.stringify({ type: 'publish', channel: job.channel, event: 'tick', data }));
      current.sent++;
    }
  };

  /**
   * Counts one delivery to subscriber `index`; an event completes when every subscriber has it.
   * Subscribers receive events in order, so a subscriber's k-th event of the phase is event k.
   *
   * @param {number} index
   * @param {number} latency
   */
  const deliver = (index, latency) => {
    if (!phase) return fail('an event arrived outside a batch');
    const k = /** @type {number} */ (phase.received[index])++;
    if (k >= phase.count) return fail('a subscriber received more events than were published');
    if (phase.latencies) phase.latencies[phase.recorded++] = latency;
    if (++/** @type {number} */ (phase.receivers[k]) === job.clients) {
      phase.completed++;
      if (phase.completed === phase.count) phase.resolve();
      else publishWhileWindowAllows();
    }
  };

  subscribers.forEach((socket, index) => {
    socket.on('message', (data) => {
      const receivedAt = now();
      const message = JSON.parse(data.toString());
      if (message.type === job.eventType) deliver(index, receivedAt - message.data.t);
      else if (message.type === 'error') fail(`server error ${message.code}: ${message.message}`);
    });
  });
  producer.on('message', (data) => {
    const message = JSON.parse(data.toString());
    if (message.type === 'error') fail(`publish refused: ${message.code}: ${message.message}`);
  });
  for (const socket of [...subscribers, producer]) {
    socket.on('close', (code, reason) => fail(`a connection closed (${code} ${reason})`));
  }

  /**
   * @param {number} count
   * @param {boolean} measured Keep each delivery's latency.
   * @returns {Promise<Phase>}
   */
  async function runPhase(count, measured) {
    if (failure) throw failure;
    /** @type {() => void} */
    let resolve = () => {};
    /** @type {(error: Error) => void} */
    let reject = () => {};
    /** @type {Promise<void>} */
    const done = new Promise((res, rej) => {
      resolve = () => res();
      reject = rej;
    });
    /** @type {Phase} */
    const current = {
      count,
      sent: 0,
      completed: 0,
      receivers: new Uint16Array(count),
      received: new Uint32Array(job.clients),
      latencies: measured ? new Float64Array(count * job.clients) : null,
      recorded: 0,
      resolve,
      reject,
    };
    phase = current;
    try {
      publishWhileWindowAllows();
      await withTimeout(
        done,
        job.timeoutMs,
        `for ${count} events to reach ${job.clients} subscribers of ${job.target}`,
      );
    } finally {
      phase = null;
    }
    return current;
  }

  return { runPhase };
}

/**
 * Opens a WebSocket (no compression: the sidecar does not negotiate it either).
 *
 * @param {string} url
 * @param {Record<string, string>} headers
 * @returns {Promise<WebSocket>}
 */
function openSocket(url, headers) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers, perMessageDeflate: false });
    socket.once('open', () => {
      socket.off('error', reject);
      // A later socket error also closes it, which the running phase reports.
      socket.on('error', () => {});
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/**
 * Subscribes to `channel` and waits for the server's response (after the `welcome`).
 *
 * @param {WebSocket} socket
 * @param {string} channel
 * @returns {Promise<void>}
 */
function subscribe(socket, channel) {
  return new Promise((resolve, reject) => {
    /** @param {import('ws').RawData} data */
    const onMessage = (data) => {
      const message = JSON.parse(data.toString());
      if (message.type !== 'response' || message.id !== SUBSCRIBE_ID) return;
      socket.off('message', onMessage);
      if (message.error) reject(new Error(`subscribe refused: ${message.error.message}`));
      else resolve();
    };
    socket.on('message', onMessage);
    socket.send(JSON.stringify({ type: 'subscribe', channel, id: SUBSCRIBE_ID }));
  });
}

/**
 * Closes every socket, waiting (bounded) for the closing handshakes; stragglers are terminated.
 *
 * @param {WebSocket[]} sockets
 * @param {number} timeoutMs
 */
async function closeAll(sockets, timeoutMs) {
  const closed = sockets.map((socket) =>
    socket.readyState === WebSocket.CLOSED
      ? Promise.resolve()
      : new Promise((resolve) => {
          socket.once('close', resolve);
          socket.close(1000, 'benchmark done');
        }),
  );
  await withTimeout(Promise.all(closed), timeoutMs, 'for the clients to close').catch(() => {
    for (const socket of sockets) socket.terminate();
  });
}
