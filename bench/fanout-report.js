// @ts-check
/**
 * How `bench/fanout.js` reports: the progress line per run, the table, the ratios against the
 * aim, and the check for runs disturbed by other processes.
 */
import { formatCount, formatMs, formatTable } from './lib/stats.js';

/**
 * @typedef {object} RunFigures One measured run of one target.
 * @property {number} deliveredPerSecond Deliveries per second, summed over subscribers.
 * @property {number} publishedPerSecond
 * @property {number} p50Ms
 * @property {number} p99Ms
 * @property {number} maxMs
 * @property {number} serverLoopBusy Share of the run the server thread was not idle (0..1).
 * @property {number} clientLoopBusy Share of the run the client thread was not idle (0..1).
 * @property {number | null} serverCpuUsPerDelivery Server thread CPU time per delivery, in µs
 *   (Linux only): the server's cost, whichever side limits throughput.
 * @property {number} benchCores Cores this process (server and client threads) used, on average.
 * @property {number | null} otherCores Cores the rest of the machine used meanwhile, plus any
 *   the hypervisor stole (Linux only): the "other load" column.
 */

/** The sidecar's delivered/s should be at least this share of the bare ws relay's. */
export const AIM = 0.9;

/** Other processes using more than this many cores during a run disturb it (2 cores here). */
export const DISTURBED_ABOVE_CORES = 0.15;

/**
 * How the sidecar compares with the bare relay: throughput ratio (sidecar / bare, higher is
 * better), and the inverse ratio of server CPU per delivery (bare / sidecar, so that it reads
 * the same way). Null unless both were measured.
 *
 * @param {Record<string, RunFigures>} summary
 * @returns {{ throughput: number, cpu: number | null } | null}
 */
export function compare(summary) {
  const { sidecar, 'bare ws': bare } = summary;
  if (!sidecar || !bare) return null;
  const cpu =
    sidecar.serverCpuUsPerDelivery && bare.serverCpuUsPerDelivery
      ? bare.serverCpuUsPerDelivery / sidecar.serverCpuUsPerDelivery
      : null;
  return { throughput: sidecar.deliveredPerSecond / bare.deliveredPerSecond, cpu };
}

/**
 * True when other processes used a noticeable share of the CPU during the run: on 2 cores that
 * takes time from the server or the clients, and the figures say little about the code.
 *
 * @param {RunFigures} figures
 */
export function isDisturbed(figures) {
  return figures.otherCores !== null && figures.otherCores > DISTURBED_ABOVE_CORES;
}

/**
 * @param {string} label
 * @param {string} target
 * @param {RunFigures} figures
 */
export function progressLine(label, target, figures) {
  return [
    `${label}  ${target.padEnd(7)}`,
    `${formatCount(figures.deliveredPerSecond)} deliveries/s`,
    `p50 ${formatMs(figures.p50Ms)} ms`,
    `p99 ${formatMs(figures.p99Ms)} ms`,
    `server ${micros(figures.serverCpuUsPerDelivery)} µs/delivery`,
    `server busy ${percent(figures.serverLoopBusy)}`,
    `clients busy ${percent(figures.clientLoopBusy)}`,
    `other load ${cores(figures.otherCores)}`,
  ].join('  ');
}

/**
 * @param {ReturnType<typeof import('./lib/cli.js').environment>} env
 * @param {{ clients: number, events: number, warmup: number, size: number, window: number, runs: number }} settings
 * @param {Record<string, RunFigures>} summary
 * @param {ReturnType<typeof compare>} ratio
 * @param {number} disturbedRuns
 */
export function formatReport(env, settings, summary, ratio, disturbedRuns) {
  const headers = [
    'target',
    'delivered/s',
    'published/s',
    'p50 ms',
    'p99 ms',
    'server µs/delivery',
    'server busy',
    'clients busy',
    'other load',
  ];
  const rows = Object.entries(summary).map(([target, figures]) => [
    target,
    formatCount(figures.deliveredPerSecond),
    formatCount(figures.publishedPerSecond),
    formatMs(figures.p50Ms),
    formatMs(figures.p99Ms),
    micros(figures.serverCpuUsPerDelivery),
    percent(figures.serverLoopBusy),
    percent(figures.clientLoopBusy),
    cores(figures.otherCores),
  ]);
  const lines = [
    `fanout: ${settings.clients} subscribers, ${settings.events} events per run ` +
      `(+${settings.warmup} warm-up), ${settings.size}-byte payload, window ${settings.window}, ` +
      `median of ${settings.runs} run(s)`,
    `command: ${env.command}`,
    `node ${env.node} (V8 ${env.v8}), ${env.platform}, ${env.cpu}, ${env.cores} cores`,
    '',
    formatTable(headers, rows),
  ];
  if (ratio) {
    const verdict = ratio.throughput >= AIM ? 'meets' : 'below';
    lines.push(
      '',
      `ratio sidecar / bare ws, delivered/s: ${ratio.throughput.toFixed(2)} (${verdict} the aim of ${AIM.toFixed(2)})`,
    );
    if (ratio.cpu !== null) {
      lines.push(
        `ratio bare ws / sidecar, server CPU per delivery: ${ratio.cpu.toFixed(2)} ` +
          '(the same comparison by cost; barely moved by other load)',
      );
    }
  }
  if (disturbedRuns > 0) {
    lines.push(
      `warning: other processes used over ${DISTURBED_ABOVE_CORES} core during ${disturbedRuns} ` +
        'kept run(s); rerun on an idle machine before trusting these figures',
    );
  }
  return lines.join('\n');
}

/** @param {number | null} value µs; null where the OS does not tell. */
function micros(value) {
  return value === null ? 'n/a' : value.toFixed(1);
}

/** @param {number} share 0..1 */
function percent(share) {
  return `${(share * 100).toFixed(0)}%`;
}

/** @param {number | null} count Cores, on average; null where the OS does not tell. */
function cores(count) {
  return count === null ? 'n/a' : count.toFixed(2);
}
