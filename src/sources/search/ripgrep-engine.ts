/**
 * The ripgrep engine: runs `rg --json` (an argument array, the query after `-e`, so it is never
 * read as a flag) and streams what it finds. A second, cheap `rg --files` with the same filters
 * counts the files searched, since rg's JSON summary counts only files that matched; it is
 * skipped when the count is already known.
 *
 * rg is told to follow exactly the ignore rules of the `files` source (and so of the built-in
 * engine): `.gitignore` files inside the root and `.git/info/exclude`, whether or not the root is
 * a git repository; not `.ignore`/`.rgignore`, parent folders' or global ignore files; hidden
 * files searched, `.git` and `node_modules` never.
 */

import { createSpawner, type Spawner, type ToolRun } from '../../core/spawner.js';
import { createIgnoreFilter } from '../files/gitignore.js';
import type { EngineOutcome, EngineRequest, EngineRun, SearchEngine } from './engine.js';
import type { EncodedMatch } from './match-json.js';
import { createRipgrepOutput } from './ripgrep-output.js';

/** The file type that carries a search's include globs (see `includesAsType`). */
const INCLUDE_TYPE = 'sidecarinclude';

/**
 * Whether the include globs can be given to rg as a file type: only globs on the file's name
 * (no `/`) can, since rg matches a type against the name alone. rg's --glob whitelists override
 * `.gitignore`; a type does not, so then rg itself keeps ignored files out.
 */
export function includesAsType(include: readonly string[]): boolean {
  return include.length > 0 && include.every((glob) => !glob.includes('/'));
}

export function ripgrepArgs(request: EngineRequest, mode: 'search' | 'files'): string[] {
  const args = [
    '--no-config', // a user's RIPGREP_CONFIG_PATH must not change what we parse
    '--hidden',
    '--no-ignore-parent',
    '--no-ignore-global',
    '--no-ignore-dot',
    '--no-require-git',
    '--max-filesize',
    String(request.maxFileSize),
  ];
  if (includesAsType(request.include)) {
    // A file type, unlike a --glob whitelist, never brings back an ignored file.
    for (const glob of request.include) args.push('--type-add', `${INCLUDE_TYPE}:${glob}`);
    args.push('--type', INCLUDE_TYPE);
  } else {
    for (const glob of request.include) args.push('--glob', glob);
  }
  for (const glob of request.exclude) args.push('--glob', `!${glob}`);
  // Last, so they win over any include.
  args.push('--glob', '!.git', '--glob', '!node_modules');
  // One thread is plenty to list files, and leaves the cores to the search running beside it.
  if (mode === 'files') return [...args, '--threads', '1', '--files', '--', '.'];
  const { pattern, fixedStrings, caseInsensitive } = request.plan.ripgrep;
  args.push(
    '--json',
    '--crlf', // `$` matches before \r\n, as in the built-in engine
    '--encoding',
    'none', // raw bytes, no BOM sniffing: the built-in engine does not transcode either
    caseInsensitive ? '--ignore-case' : '--case-sensitive',
  );
  if (fixedStrings) args.push('--fixed-strings');
  if (request.contextLines > 0) args.push('--context', String(request.contextLines));
  return [...args, '--regexp', pattern, '--', '.'];
}

export function createRipgrepEngine(ripgrepPath: string): SearchEngine {
  // Each search starts one or two rg processes: from a small helper, not the whole server.
  const spawner = createSpawner();
  return {
    name: 'ripgrep',
    close: () => spawner.close(),
    warmUp: () => void spawner.warmUp(),
    start(request, { onResults, onWarning }) {
      // rg's --glob whitelists override .gitignore; we do not let an include bring back an
      // ignored file, so with includes on paths every path is checked against the ignore rules.
      const ignoreFilter =
        request.include.length > 0 && !includesAsType(request.include)
          ? createIgnoreFilter(request.root)
          : null;
      // rg sends a file's results together: one check per file, not per result.
      let lastFile = '';
      let lastVerdict = false;
      const isIgnored = (file: string) => {
        if (!ignoreFilter) return false;
        if (file !== lastFile) {
          lastFile = file;
          lastVerdict = ignoreFilter.isIgnored(file, false);
        }
        return lastVerdict;
      };

      let stopped = false;
      let batch: EncodedMatch[] = [];
      const output = createRipgrepOutput({
        contextLines: request.contextLines,
        onResult: (file, result) => {
          if (!isIgnored(file)) batch.push(result);
        },
        onSkippedLine: (reason) => onWarning?.(`skipped rg output: ${reason}`),
      });
      const onSearchOutput = (chunk: Buffer) => {
        if (stopped) return;
        output.push(chunk);
        if (batch.length > 0) {
          const ready = batch;
          batch = [];
          onResults(ready);
        }
      };
      const search = runRipgrep(spawner, ripgrepPath, request, 'search', onSearchOutput);

      let filesListed = 0;
      let pathTail = '';
      const counting = request.knownFileCount === undefined;
      const onFilesListed = (chunk: Buffer) => {
        if (!ignoreFilter) {
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) filesListed++;
          return;
        }
        const lines = (pathTail + chunk.toString('utf8')).split('\n');
        pathTail = lines.pop() ?? '';
        for (const line of lines) {
          if (!isIgnored(line.replace(/^\.\//, ''))) filesListed++;
        }
      };
      const count = counting
        ? runRipgrep(spawner, ripgrepPath, request, 'files', onFilesListed)
        : null;

      const finished = Promise.all([search.exited, count?.exited]).then(
        ([searched, counted]): EngineOutcome => {
          if (!stopped) {
            output.end();
            if (batch.length > 0) onResults(batch);
          }
          batch = [];
          const error = stopped
            ? undefined
            : (searched.error ??
              (output.sawSummary
                ? undefined
                : errorText(searched.stderr) || `rg exited with ${searched.code}`) ??
              counted?.error);
          if (!counting)
            return { filesSearched: request.knownFileCount!, ...(error ? { error } : {}) };
          const countedAll = !stopped && !counted?.error && counted?.code === 0;
          return { filesSearched: filesListed, countedAll, ...(error ? { error } : {}) };
        },
      );

      const run: EngineRun = {
        finished,
        stop() {
          stopped = true;
          search.kill();
          count?.kill();
        },
        get pid() {
          return search.pid;
        },
      };
      return run;
    },
  };
}

/** Runs rg; an error says that rg, at `path`, could not run. */
function runRipgrep(
  spawner: Spawner,
  path: string,
  request: EngineRequest,
  mode: 'search' | 'files',
  onStdout: (chunk: Buffer) => void,
): ToolRun {
  const run = spawner.run({
    command: path,
    args: ripgrepArgs(request, mode),
    cwd: request.root,
    onStdout,
  });
  return {
    kill: () => run.kill(),
    get pid() {
      return run.pid;
    },
    exited: run.exited.then((exit) =>
      exit.error === undefined
        ? exit
        : { ...exit, error: `cannot run ripgrep (${path}): ${exit.error}` },
    ),
  };
}

/** rg's error text on one line (its regex errors span several). */
function errorText(text: string): string {
  return text
    .trim()
    .replace(/\s*\n\s*/g, ' ')
    .slice(0, 500);
}
