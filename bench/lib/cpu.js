// @ts-check
/**
 * CPU accounting for a measured interval: how many cores this process used, how much CPU time
 * its main thread (the server, in the benchmarks) took, and how many cores the rest of the
 * machine used meanwhile. On a 2-core machine a test run or a build in another
 * terminal takes a core from the benchmark; the figure lets a report flag such runs instead of
 * passing them off as the code's speed.
 *
 * Machine-wide figures come from Linux `/proc/stat` (busy = every column but idle and iowait,
 * in USER_HZ ticks of 10 ms); elsewhere they are null.
 */
import { readFileSync } from 'node:fs';

/** USER_HZ: fixed at 100 on Linux for the `/proc/stat` interface, whatever the kernel's HZ. */
const TICKS_PER_SECOND = 100;

/**
 * @typedef {object} CpuSnapshot
 * @property {number} at `performance.now()` when taken.
 * @property {NodeJS.CpuUsage} usage This process, every thread.
 * @property {{ busy: number, steal: number } | null} machine Ticks since boot, all cores.
 * @property {number | null} mainThread Ticks the main thread has run (user + system).
 */

/** @returns {CpuSnapshot} */
export function cpuSnapshot() {
  return {
    at: performance.now(),
    usage: process.cpuUsage(),
    machine: readMachineTicks(),
    mainThread: readMainThreadTicks(),
  };
}

/**
 * Cores used since `before`, on average: by this process, by everything else, and stolen by
 * the hypervisor (a virtual machine's neighbours).
 *
 * @param {CpuSnapshot} before
 * @returns {{
 *   benchCores: number,
 *   mainThreadMs: number | null,
 *   otherCores: number | null,
 *   stealCores: number | null,
 * }}
 */
export function cpuSince(before) {
  const wallMs = performance.now() - before.at;
  const usage = process.cpuUsage(before.usage);
  const benchCores = (usage.user + usage.system) / 1000 / wallMs;
  const mainThread = readMainThreadTicks();
  const mainThreadMs =
    mainThread === null || before.mainThread === null
      ? null
      : ((mainThread - before.mainThread) * 1000) / TICKS_PER_SECOND;
  const machine = readMachineTicks();
  if (!machine || !before.machine || wallMs <= 0) {
    return { benchCores, mainThreadMs, otherCores: null, stealCores: null };
  }
  const coresOf = (/** @type {number} */ ticks) => (ticks * 1000) / TICKS_PER_SECOND / wallMs;
  return {
    benchCores,
    mainThreadMs,
    // Tick sampling and this process's own softirq work make this approximate (±0.05 core).
    otherCores: Math.max(0, coresOf(machine.busy - before.machine.busy) - benchCores),
    stealCores: coresOf(machine.steal - before.machine.steal),
  };
}

/**
 * CPU time of this process's main thread alone (its thread id is the process id), from
 * `/proc/self/task/<pid>/stat`: `process.cpuUsage()` would add the worker threads.
 *
 * @returns {number | null}
 */
function readMainThreadTicks() {
  let text;
  try {
    text = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** @returns {{ busy: number, steal: number } | null} */
function readMachineTicks() {
  let text;
  try {
    text = readFileSync('/proc/stat', 'utf8');
  } catch {
    return null;
  }
  const fields = text.slice(0, text.indexOf('\n')).trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already in user).
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return { busy: user + nice + system + irq + softirq, steal };
}
