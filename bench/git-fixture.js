// @ts-check
/**
 * What `bench/git.js` measures on: a generated repository with two branches, and a `git` shim
 * that logs each git process the sidecar starts (and when it ends), so the benchmark can count
 * them and see how many ran at once.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The environment for the benchmark's own git commands: no GIT_* from outside. */
const GIT_ENV = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.toUpperCase().startsWith('GIT_')),
);

/**
 * The first `name` on PATH that can be executed; throws when there is none.
 * @param {string} name
 */
export function findExecutable(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new Error(`${name} was not found on PATH`);
}

/**
 * Runs the real git (not the shim) in `cwd`.
 *
 * @param {string} realGit
 * @param {string} cwd
 * @param {string[]} args
 */
export async function runGit(realGit, cwd, args) {
  const { stdout } = await execFileAsync(realGit, args, {
    cwd,
    env: GIT_ENV,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/**
 * A repository of `files` files in folders of 100 on `main`, and a branch `other` where
 * `changed` of them have different content.
 *
 * @param {{ dir: string, files: number, changed: number, realGit: string }} options
 */
export async function createBenchRepository({ dir, files, changed, realGit }) {
  const git = (/** @type {string[]} */ ...args) => runGit(realGit, dir, args);
  await mkdir(dir, { recursive: true });
  await git('-c', 'init.defaultBranch=main', 'init', '-q');
  await git('config', 'user.name', 'Bench');
  await git('config', 'user.email', 'bench@example.com');
  await git('config', 'commit.gpgsign', 'false');
  const pathOf = (/** @type {number} */ i) => join(`dir${Math.floor(i / 100)}`, `file${i}.txt`);
  await writeFiles(dir, files, (i) => [pathOf(i), `file ${i}\n`]);
  await git('add', '-A');
  await git('commit', '-q', '-m', `${files} files`);
  await git('checkout', '-q', '-b', 'other');
  // Spread over the tree, so the checkout touches many folders.
  const step = Math.max(1, Math.floor(files / Math.max(1, changed)));
  await writeFiles(dir, changed, (n) => [pathOf((n * step) % files), `changed on other ${n}\n`]);
  await git('commit', '-q', '-am', `${changed} files changed`);
  await git('checkout', '-q', 'main');
}

/**
 * @param {string} root
 * @param {number} count
 * @param {(i: number) => [string, string]} entry Relative path and content of file `i`.
 */
async function writeFiles(root, count, entry) {
  const batch = 500;
  for (let start = 0; start < count; start += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, count - start) }, async (_, offset) => {
        const [path, content] = entry(start + offset);
        await mkdir(join(root, path, '..'), { recursive: true });
        await writeFile(join(root, path), content);
      }),
    );
  }
}

/**
 * Writes a `git` shim into `shimDir`: it appends `start <pid> <args>` to `logFile`, runs the
 * real git, appends `end <pid>`, and exits with git's status. Put `shimDir` first on PATH.
 *
 * @param {string} shimDir
 * @param {string} realGit
 * @param {string} logFile
 */
export async function writeGitShim(shimDir, realGit, logFile) {
  const quote = (/** @type {string} */ text) => `'${text.replaceAll("'", `'\\''`)}'`;
  const script = [
    '#!/bin/sh',
    `echo "start $$ $*" >> ${quote(logFile)}`,
    `${quote(realGit)} "$@"`,
    'status=$?',
    `echo "end $$" >> ${quote(logFile)}`,
    'exit $status',
    '',
  ].join('\n');
  await mkdir(shimDir, { recursive: true });
  await writeFile(join(shimDir, 'git'), script);
  await chmod(join(shimDir, 'git'), 0o755);
  await writeFile(logFile, '');
}

/**
 * What the shim logged from byte `offset` on: processes started, per git command, and the
 * most that ran at the same time.
 *
 * @param {string} logFile
 * @param {number} offset
 */
export async function readGitLog(logFile, offset) {
  const text = (await readFile(logFile)).subarray(offset).toString('utf8');
  /** @type {Record<string, number>} */
  const byCommand = {};
  let started = 0;
  let running = 0;
  let maxConcurrent = 0;
  for (const line of text.split('\n')) {
    const [kind, , ...args] = line.split(' ');
    if (kind === 'start') {
      started++;
      running++;
      maxConcurrent = Math.max(maxConcurrent, running);
      // The command is the first argument that is not a global option (or a -c value).
      const command = args.find((arg, i) => !arg.startsWith('-') && args[i - 1] !== '-c');
      byCommand[command ?? '?'] = (byCommand[command ?? '?'] ?? 0) + 1;
    } else if (kind === 'end') {
      running--;
    }
  }
  return { started, byCommand, maxConcurrent, running };
}
