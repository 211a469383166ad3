// @ts-check
/**
 * Flag parsing and the run banner shared by the benchmarks in `bench/`.
 *
 * Every benchmark takes whole-number flags with a default and a range, flags that pick one of
 * a few words, optional flags that take any text (a path), plus `--json` and `--help`; a bad
 * flag is a usage error (exit code 2) with a message naming the flag.
 */
import { availableParallelism, cpus } from 'node:os';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * @typedef {object} IntegerFlag
 * @property {string} description One line for `--help`.
 * @property {number} default
 * @property {number} min
 * @property {number} max
 */

/**
 * @typedef {object} ChoiceFlag
 * @property {string} description One line for `--help`.
 * @property {readonly string[]} choices The first one is the default.
 */

/**
 * @typedef {object} TextFlag
 * @property {string} description One line for `--help`.
 * @property {string} placeholder What the value is, for `--help` (`DIR`).
 */

/** A mistake in the command line: reported without a stack trace, exit code 2. */
export class UsageError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Parses `argv` against whole-number flags (`--name N` or `--name=N`), choice flags
 * (`--name word`), text flags (`--name text`, undefined when not given), `--json` and `--help`.
 *
 * @template {string} K
 * @template {string} C
 * @template {string} T
 * @param {string[]} argv Arguments after the script name.
 * @param {Record<K, IntegerFlag>} spec
 * @param {Record<C, ChoiceFlag>} [choiceSpec]
 * @param {Record<T, TextFlag>} [textSpec]
 * @returns {{ values: Record<K, number>, choices: Record<C, string>,
 *   texts: Record<T, string | undefined>, json: boolean, help: boolean }}
 * @throws {UsageError} On an unknown flag, a missing value, a value that is not a whole number
 *   in range, or a word that is not one of the choices.
 */
export function parseFlags(
  argv,
  spec,
  choiceSpec = /** @type {Record<C, ChoiceFlag>} */ ({}),
  textSpec = /** @type {Record<T, TextFlag>} */ ({}),
) {
  /** @type {Record<string, { type: 'string' } | { type: 'boolean', short?: string }>} */
  const options = { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } };
  for (const name of [...Object.keys(spec), ...Object.keys(choiceSpec), ...Object.keys(textSpec)]) {
    options[name] = { type: 'string' };
  }

  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError(/** @type {Error} */ (error).message);
  }

  const values = /** @type {Record<K, number>} */ ({});
  for (const [name, flag] of /** @type {[K, IntegerFlag][]} */ (Object.entries(spec))) {
    const given = parsed.values[name];
    values[name] = given === undefined ? flag.default : toInteger(name, String(given), flag);
  }
  const choices = /** @type {Record<C, string>} */ ({});
  for (const [name, flag] of /** @type {[C, ChoiceFlag][]} */ (Object.entries(choiceSpec))) {
    const given = parsed.values[name];
    if (given !== undefined && !flag.choices.includes(String(given))) {
      throw new UsageError(
        `invalid --${name} ${JSON.stringify(given)}: expected one of ${flag.choices.join(', ')}`,
      );
    }
    choices[name] = given === undefined ? (flag.choices[0] ?? '') : String(given);
  }
  const texts = /** @type {Record<T, string | undefined>} */ ({});
  for (const name of /** @type {T[]} */ (Object.keys(textSpec))) {
    const given = parsed.values[name];
    if (given === '') throw new UsageError(`invalid --${name}: empty`);
    texts[name] = given === undefined ? undefined : String(given);
  }
  return {
    values,
    choices,
    texts,
    json: parsed.values.json === true,
    help: parsed.values.help === true,
  };
}

/**
 * @param {string} name
 * @param {string} text
 * @param {IntegerFlag} flag
 */
function toInteger(name, text, flag) {
  const value = /^\s*-?\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < flag.min || value > flag.max) {
    throw new UsageError(
      `invalid --${name} ${JSON.stringify(text)}: expected a whole number from ${flag.min} to ${flag.max}`,
    );
  }
  return value;
}

/**
 * The `--help` text: usage line, then one line per flag with its default and range.
 *
 * @param {string} usage
 * @param {Record<string, IntegerFlag>} spec
 * @param {Record<string, ChoiceFlag>} [choiceSpec]
 * @param {Record<string, TextFlag>} [textSpec]
 */
export function helpText(usage, spec, choiceSpec = {}, textSpec = {}) {
  const lines = [`usage: ${usage}`, '', 'options:'];
  for (const [name, flag] of Object.entries(spec)) {
    const left = `  --${name} N`.padEnd(20);
    lines.push(`${left}${flag.description} (default ${flag.default}, ${flag.min}..${flag.max})`);
  }
  for (const [name, flag] of Object.entries(choiceSpec)) {
    const left = `  --${name} WORD`.padEnd(20);
    lines.push(
      `${left}${flag.description}: ${flag.choices.join(' | ')} (default ${flag.choices[0]})`,
    );
  }
  for (const [name, flag] of Object.entries(textSpec)) {
    lines.push(`${`  --${name} ${flag.placeholder}`.padEnd(20)}${flag.description}`);
  }
  lines.push(`${'  --json'.padEnd(20)}print one JSON object instead of the table`);
  lines.push(`${'  -h, --help'.padEnd(20)}show this help`);
  return lines.join('\n');
}

/**
 * What produced a figure: the exact command, Node version and machine, as
 * `docs/performance.md` records them.
 */
export function environment() {
  const script = relative(process.cwd(), process.argv[1] ?? '') || (process.argv[1] ?? '');
  const execArgs = process.execArgv.length > 0 ? `${process.execArgv.join(' ')} ` : '';
  return {
    command: ['node', `${execArgs}${script}`, ...process.argv.slice(2)].join(' '),
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
  };
}

/**
 * Runs a benchmark's `main`, turning a UsageError into a message and exit code 2 and any other
 * failure into exit code 1.
 *
 * @param {() => Promise<void>} main
 */
export async function runBenchmark(main) {
  try {
    await main();
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n(try --help)\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`benchmark failed: ${error instanceof Error ? error.stack : error}\n`);
      process.exitCode = 1;
    }
  }
}
