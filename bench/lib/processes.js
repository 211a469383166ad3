// @ts-check
/**
 * A process and everything it started (a sidecar and its language servers), read from Linux
 * `/proc`: resident memory and CPU time of each, for the benchmarks' reports. Elsewhere the
 * figures are missing (undefined), not wrong.
 */
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Process `pid` (`root`) and every process below it (`below`: children, grandchildren…), each
 * with a short name, resident memory in bytes and CPU time in ticks of 10 ms. Undefined off
 * Linux.
 *
 * @param {number} pid
 */
export function processTree(pid) {
  if (process.platform !== 'linux') return undefined;
  /** @type {Map<number, { ppid: number, rss: number, ticks: number }>} */
  const processes = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised name: ppid is the 2nd, utime the 12th, stime the 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      processes.set(Number(entry), {
        ppid: Number(fields[1]),
        rss: Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024,
        ticks: Number(fields[11]) + Number(fields[12]),
      });
    } catch {
      // exited meanwhile
    }
  }
  const children = (/** @type {number} */ parent) =>
    [...processes].filter(([, p]) => p.ppid === parent).map(([child]) => child);
  const below = [];
  const queue = children(pid);
  while (queue.length > 0) {
    const next = /** @type {number} */ (queue.shift());
    below.push(next);
    queue.push(...children(next));
  }
  const describe = (/** @type {number} */ p) => ({
    name: describeProcess(p),
    rss: processes.get(p)?.rss ?? 0,
    ticks: processes.get(p)?.ticks ?? 0,
  });
  return { root: describe(pid), below: below.map(describe) };
}

/**
 * CPU ticks used so far by process `pid` and, together, by the processes below it.
 *
 * @param {number | undefined} pid
 */
export function treeTicks(pid) {
  const tree = pid === undefined ? undefined : processTree(pid);
  if (!tree) return { root: 0, below: 0 };
  return { root: tree.root.ticks, below: tree.below.reduce((sum, p) => sum + p.ticks, 0) };
}

/**
 * A short name for a process: its script (or program), and the role tsserver gives it.
 *
 * @param {number} pid
 */
function describeProcess(pid) {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const script = args.find((arg) => /\.(m?js|cjs)$/.test(arg));
    if (!script) return args[0] ?? String(pid);
    const name = script.includes('typescript-language-server')
      ? 'typescript-language-server'
      : (script.split(/[\\/]/).at(-1) ?? script);
    const role = args[args.indexOf('--serverMode') + 1];
    return args.includes('--serverMode') ? `${name} (${role})` : name;
  } catch {
    return String(pid);
  }
}
