import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { SearchMatch } from '../../../src/protocol/index.js';
import type { EngineOutcome, SearchEngine } from '../../../src/sources/search/engine.js';
import { planQuery } from '../../../src/sources/search/query-plan.js';
import { searchStartParams } from '../../../src/sources/search/search-params.js';

/** Runs one search on an engine directly and collects everything it found. */
export async function runEngine(
  engine: SearchEngine,
  root: string,
  raw: Record<string, unknown>,
  { maxFileSize = 4 * 1024 * 1024 } = {},
): Promise<{ results: SearchMatch[]; outcome: EngineOutcome }> {
  const params = searchStartParams.parse(raw);
  const results: SearchMatch[] = [];
  const run = engine.start(
    {
      root,
      plan: planQuery(params),
      include: params.include,
      exclude: params.exclude,
      contextLines: params.contextLines,
      maxFileSize,
      enoughResults: params.maxResults ?? 1_000_000,
    },
    { onResults: (batch) => results.push(...batch.map((json) => JSON.parse(json) as SearchMatch)) },
  );
  const outcome = await run.finished;
  return { results: sortResults(results), outcome };
}

/** Engines report files in any order (ripgrep is multi-threaded): compare in a fixed one. */
export function sortResults(results: SearchMatch[]): SearchMatch[] {
  return [...results].sort((a, b) =>
    a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1,
  );
}

/** Writes `files` (path → text or bytes) under `root`, making folders as needed. */
export async function writeTree(root: string, files: Record<string, string | Buffer>) {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

/** A workspace with every kind of file the engines must agree on. */
export async function writeFixture(root: string): Promise<void> {
  const longLine = `${'x'.repeat(1_000_000)} TODO ${'y'.repeat(500)} todo ${'z'.repeat(1_000_000)}\n`;
  await writeTree(root, {
    '.gitignore': 'ignored/\n*.log\n',
    'src/app.ts': [
      '// TODO: fix the app',
      'const todoList = [];',
      'function foo() { return "foo-bar"; }',
      'const foobar = foo_bar + foo;',
      '',
      '  // todo later, Todo now',
      'export const café = "TODO café";',
      'const emoji = "😀 TODO 😀";',
      'let count = 42; // 7 TODOs',
      'x = 1',
    ].join('\n'),
    'src/util.js': 'export const util = () => "foo";\n// TODO util\n',
    'docs/readme.md': '# Readme\n\nTODO: write docs\nfoo bar\n',
    'ignored/secret.ts': 'TODO secret\n',
    'debug.log': 'TODO log\n',
    'node_modules/pkg/index.js': 'TODO dependency\n',
    '.hidden/config.ts': 'TODO hidden\n',
    'binary.bin': Buffer.concat([Buffer.from([0, 1, 2, 0]), Buffer.from('TODO in binary\n')]),
    'latin1.txt': Buffer.from('caf\xe9 TODO \xe9t\xe9 foo\nna\xefve todo\n', 'latin1'),
    'huge.txt': longLine,
    'crlf.txt': 'TODO one\r\nline two TODO\r\nfoo\r\n',
    'nested/.gitignore': '*.tmp\n',
    'nested/a.tmp': 'TODO tmp\n',
    'nested/b.ts': 'TODO nested\nfoo\nfoo\nbar\nfoo\n\n\nfoo\n',
    'build/out.js': 'TODO built\n',
    'empty.txt': '',
    'no-newline.txt': 'last TODO',
    // A NUL byte past the first 64 KiB: searched up to there, not after.
    'late-nul.txt': `TODO early\n${'          \n'.repeat(10_000)}\0\nTODO late\n`,
    'folding.txt': 'a \u017Ftring (long s) and 5 \u212Aelvin (Kelvin sign)\n',
    'too-big.txt': `TODO ${'a'.repeat(5 * 1024 * 1024)}\n`,
  });
  await symlink(join(root, 'src', 'app.ts'), join(root, 'link.ts'));
}
