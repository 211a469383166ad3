import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuiltinEngine } from '../../../src/sources/search/builtin-engine.js';
import { createRipgrepEngine } from '../../../src/sources/search/ripgrep-engine.js';
import { runEngine, writeFixture } from '../../sources/search/support.js';
import { makeTempDir } from '../../support/server.js';

const ripgrep = createRipgrepEngine('rg');
const builtin = createBuiltinEngine({ workers: 2 });

let root: string;
beforeAll(async () => {
  root = await makeTempDir('sidecar-search-');
  await writeFixture(root);
});
afterAll(async () => {
  await builtin.close?.();
  await rm(root, { recursive: true, force: true });
});

/** Runs both engines and checks they agree; returns ripgrep's results. */
async function bothEngines(params: Record<string, unknown>) {
  const [rg, own] = await Promise.all([
    runEngine(ripgrep, root, params),
    runEngine(builtin, root, params),
  ]);
  expect(rg.outcome.error).toBeUndefined();
  expect(own.outcome.error).toBeUndefined();
  expect(own.results).toEqual(rg.results);
  expect(own.outcome.filesSearched).toBe(rg.outcome.filesSearched);
  return rg.results;
}

const files = (results: { file: string }[]) => [...new Set(results.map((r) => r.file))].sort();

describe('ripgrep and the built-in engine on the same workspace', () => {
  it('find a literal, case-insensitively by default, skipping ignored, binary, symlinked and too-big files', async () => {
    const results = await bothEngines({ query: 'todo' });
    expect(files(results)).toEqual([
      '.hidden/config.ts',
      'build/out.js',
      'crlf.txt',
      'docs/readme.md',
      'huge.txt',
      'late-nul.txt',
      'latin1.txt',
      'nested/b.ts',
      'no-newline.txt',
      'src/app.ts',
      'src/util.js',
    ]);
    const app = results.filter((r) => r.file === 'src/app.ts');
    expect(app[0]).toEqual({
      file: 'src/app.ts',
      line: 1,
      column: 3,
      text: '// TODO: fix the app',
      matches: [{ start: 3, end: 7 }],
    });
    expect(app.find((r) => r.line === 6)?.matches).toEqual([
      { start: 5, end: 9 },
      { start: 17, end: 21 },
    ]);
  });

  it('fold case the Unicode way: the long s and the Kelvin sign match s and k', async () => {
    const results = await bothEngines({ query: 'STRING', include: ['folding.txt'] });
    expect(results.map((r) => r.text.slice(r.column, r.column + 6))).toEqual(['\u017Ftring']);
    expect(await bothEngines({ query: 'kelvin', include: ['folding.txt'] })).toHaveLength(1);
    expect(
      await bothEngines({ query: 'k\\w+', regex: true, include: ['folding.txt'] }),
    ).toHaveLength(1);
    expect(await bothEngines({ query: 'kelvin', caseSensitive: true })).toEqual([]);
  });

  it('respect case when asked', async () => {
    const results = await bothEngines({ query: 'Todo', caseSensitive: true });
    expect(results.map((r) => `${r.file}:${r.line}:${r.column}`)).toEqual(['src/app.ts:6:17']);
  });

  it('count columns in UTF-16 code units after multi-byte characters and emoji', async () => {
    const results = await bothEngines({
      query: 'TODO',
      caseSensitive: true,
      include: ['src/app.ts'],
    });
    const emoji = results.find((r) => r.line === 8)!;
    expect(emoji.text.slice(emoji.matches[0]!.start, emoji.matches[0]!.end)).toBe('TODO');
    expect(emoji.column).toBe(18);
    const cafe = results.find((r) => r.line === 7)!;
    expect(cafe.text.slice(cafe.column, cafe.column + 4)).toBe('TODO');
  });

  it('run regexes with JavaScript meaning', async () => {
    await bothEngines({ query: 'to+do\\w*', regex: true });
    await bothEngines({ query: '^\\s*//', regex: true });
    await bothEngines({ query: '\\d+', regex: true });
    await bothEngines({ query: '[^a-z ]+', regex: true, caseSensitive: true });
    await bothEngines({ query: 'caf.', regex: true });
    await bothEngines({ query: '\\p{L}+\\s', regex: true, include: ['*.txt'] });
    await bothEngines({ query: '(?<word>fo+)[-_]?', regex: true });
    await bothEngines({ query: '\\u{1F600}', regex: true });
    await bothEngines({ query: 'café|naïve|todo', regex: true });
    await bothEngines({ query: 'café|naïve|TODO', regex: true, caseSensitive: true });
    await bothEngines({ query: 'string|kelvin', regex: true });
    await bothEngines({ query: 'TODO$', regex: true, caseSensitive: true });
    await bothEngines({
      query: 'x*',
      regex: true,
      include: ['src/**', 'empty.txt', 'no-newline.txt'],
    });
    const [end] = await bothEngines({ query: '$', regex: true, include: ['no-newline.txt'] });
    expect(end).toMatchObject({ line: 1, column: 9, matches: [{ start: 9, end: 9 }] });
    await bothEngines({ query: 'o?', regex: true, include: ['crlf.txt', 'latin1.txt'] });
  });

  it('match whole words only', async () => {
    const results = await bothEngines({ query: 'foo', wholeWord: true, caseSensitive: true });
    const app = results.filter((r) => r.file === 'src/app.ts').map((r) => r.line);
    expect(app).toEqual([3, 4]); // foo() and foo-bar and `+ foo`, not foobar or foo_bar
    expect(results.find((r) => r.line === 4 && r.file === 'src/app.ts')?.matches).toEqual([
      { start: 25, end: 28 },
    ]);
    await bothEngines({ query: 'foo|bar', regex: true, wholeWord: true });
    await bothEngines({ query: '-bar', wholeWord: true });
  });

  it('apply include and exclude globs like rg --glob', async () => {
    expect(files(await bothEngines({ query: 'todo', include: ['*.ts'] }))).toEqual([
      '.hidden/config.ts',
      'nested/b.ts',
      'src/app.ts',
    ]);
    expect(files(await bothEngines({ query: 'todo', include: ['src/**'] }))).toEqual([
      'src/app.ts',
      'src/util.js',
    ]);
    expect(
      files(await bothEngines({ query: 'todo', exclude: ['docs', '*.txt', 'src/*.js'] })),
    ).toEqual(['.hidden/config.ts', 'build/out.js', 'nested/b.ts', 'src/app.ts']);
    // An include never brings back what .gitignore leaves out: with globs on the file name
    // alone (rg gets them as a file type) and with globs on paths (checked after rg).
    expect(files(await bothEngines({ query: 'todo', include: ['*.log', '*.ts'] }))).toEqual([
      '.hidden/config.ts',
      'nested/b.ts',
      'src/app.ts',
    ]);
    expect(
      files(await bothEngines({ query: 'todo', include: ['*.log', 'ignored/**', '*.tmp'] })),
    ).toEqual([]);
    await bothEngines({ query: 'todo', include: ['{src,docs}/*.{ts,md}'], exclude: ['build/'] });
  });

  it('send context lines around matches, never repeating a matching line', async () => {
    const results = await bothEngines({ query: 'foo', contextLines: 2, include: ['nested/b.ts'] });
    expect(results.map(({ line, before, after }) => ({ line, before, after }))).toEqual([
      { line: 2, before: ['TODO nested'], after: [] },
      { line: 3, before: [], after: ['bar'] },
      { line: 5, before: ['bar'], after: ['', ''] },
      { line: 8, before: ['', ''], after: [] },
    ]);
    await bothEngines({ query: 'todo', contextLines: 1 });
  });

  it('decode a latin-1 file byte by byte, invalid bytes shown as U+FFFD', async () => {
    const results = await bothEngines({ query: 'todo', include: ['latin1.txt'] });
    expect(results[0]).toMatchObject({
      line: 1,
      column: 5,
      text: 'caf\uFFFD TODO \uFFFDt\uFFFD foo',
      matches: [{ start: 5, end: 9 }],
    });
    // `.` and negated classes never match an invalid byte, in either engine.
    expect(await bothEngines({ query: 'caf.', regex: true, include: ['latin1.txt'] })).toEqual([]);
    expect(await bothEngines({ query: 'na[^v]ve', regex: true, include: ['latin1.txt'] })).toEqual(
      [],
    );
  });

  it('stop at a NUL byte found past the first 64 KiB', async () => {
    const results = await bothEngines({ query: 'todo', include: ['late-nul.txt'] });
    expect(results.map((r) => r.text)).toEqual(['TODO early']);
  });

  it('cut a huge line to a window around its first match', async () => {
    const [result] = await bothEngines({
      query: 'TODO',
      caseSensitive: true,
      include: ['huge.txt'],
    });
    expect(result!.column).toBe(1_000_001);
    expect(result!.textStart).toBe(1_000_001 - 100);
    expect(result!.text).toHaveLength(1000);
    expect(result!.text.slice(result!.matches[0]!.start, result!.matches[0]!.end)).toBe('TODO');
    const both = await bothEngines({ query: 'todo', include: ['huge.txt'] });
    expect(both[0]!.matches).toHaveLength(2);
  });
});
