// @ts-check
/**
 * A deterministic pseudo-random source tree for search benchmarks and tests: code-like and
 * prose lines (some non-ASCII, some CRLF files), folders of 50 files, a `.gitignore` and files
 * it ignores. The same seed and sizes give the same bytes on every machine.
 *
 * Rare tokens with known places let queries find a little (`quartzneedle`, in one file of 200)
 * or a lot (`todo`, in about one line of 12, in any case).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const WORDS = (
  'the of and to in is that for it as with was on be by this are from at or an have not but ' +
  'value result error handler config request response buffer stream index cache token event ' +
  'channel search engine worker thread file folder line column match query regex pattern ' +
  'loading parsing running waiting sending counting naïve café Straße 日本語 émigré 🙂 résumé'
).split(' ');
const IDENTIFIERS = [
  'fetchUser',
  'parseConfig',
  'ValueError',
  'TypeError',
  'renderView',
  'handleEvent',
  'openStream',
  'readBuffer',
];

/**
 * A small, fast, seedable PRNG (mulberry32).
 *
 * @param {number} seed
 */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** @param {() => number} next @param {readonly string[]} list */
const pick = (next, list) => /** @type {string} */ (list[Math.floor(next() * list.length)]);

/** @param {() => number} next */
function makeLine(next) {
  const kind = next();
  if (kind < 0.3) {
    const name = pick(next, IDENTIFIERS);
    return `function ${name}${Math.floor(next() * 1000)}(x) { return ${pick(next, WORDS)}(x + ${Math.floor(next() * 100)}); }`;
  }
  if (kind < 0.38)
    return `  // ${pick(next, ['TODO', 'todo', 'Todo'])}: ${pick(next, WORDS)} ${pick(next, WORDS)}`;
  if (kind < 0.42) return '';
  const words = [];
  const count = 4 + Math.floor(next() * 12);
  for (let i = 0; i < count; i++) words.push(pick(next, WORDS));
  return words.join(' ');
}

/**
 * Writes the corpus under `dir` (which must exist and be empty).
 *
 * @param {string} dir
 * @param {{ files: number, fileBytes: number, seed?: number }} options
 * @returns {Promise<{ files: number, bytes: number }>} what was written (ignored files included)
 */
export async function writeCorpus(dir, { files, fileBytes, seed = 1 }) {
  const next = random(seed);
  // A pool of lines, reused in random order: fast, yet every file differs.
  const pool = Array.from({ length: 5000 }, () => makeLine(next));
  await writeFile(join(dir, '.gitignore'), '*.log\nbuild/\n');
  let bytes = 0;
  const extensions = ['ts', 'js', 'md', 'txt', 'ts', 'ts', 'log'];
  const jobs = [];
  for (let index = 0; index < files; index++) {
    const folder = join(
      dir,
      index % 97 === 13 ? 'build' : 'src',
      `m${String(Math.floor(index / 2500)).padStart(2, '0')}`,
      `p${String(Math.floor(index / 50) % 50).padStart(2, '0')}`,
    );
    const name = `file${String(index).padStart(6, '0')}.${pick(next, extensions)}`;
    const eol = index % 10 === 3 ? '\r\n' : '\n';
    const lines = [];
    let size = 0;
    while (size < fileBytes) {
      let line = pick(next, pool);
      if (index % 200 === 7 && lines.length === 3) line = `${line} quartzneedle${index}`;
      lines.push(line);
      size += Buffer.byteLength(line) + eol.length;
    }
    const text = lines.join(eol) + eol;
    bytes += Buffer.byteLength(text);
    jobs.push({ folder, path: join(folder, name), text });
  }
  const folders = new Set(jobs.map((job) => job.folder));
  for (const folder of folders) await mkdir(folder, { recursive: true });
  // Write with some concurrency: much faster than one file at a time.
  for (let start = 0; start < jobs.length; start += 64) {
    await Promise.all(jobs.slice(start, start + 64).map((job) => writeFile(job.path, job.text)));
  }
  return { files, bytes };
}
