/**
 * ripgrep itself is the oracle: on a generated corpus, both engines must report exactly what
 * a bare `rg --json` run reports (decoded here independently of the engines' own code).
 */
import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCorpus } from '../../../bench/lib/corpus.js';
import type { SearchMatch } from '../../../src/protocol/index.js';
import { createBuiltinEngine } from '../../../src/sources/search/builtin-engine.js';
import { createRipgrepEngine } from '../../../src/sources/search/ripgrep-engine.js';
import { runEngine, sortResults } from '../../sources/search/support.js';
import { makeTempDir } from '../../support/server.js';

let root: string;
beforeAll(async () => {
  root = await makeTempDir('sidecar-search-oracle-');
  await writeCorpus(root, { files: 600, fileBytes: 3000, seed: 7 });
});
afterAll(async () => {
  await builtin.close?.();
  await rm(root, { recursive: true, force: true });
});

interface OracleCase {
  params: { query: string; regex?: boolean; caseSensitive?: boolean };
  /** The same search as plain rg flags. */
  rgArgs: string[];
}

/** Queries whose meaning is the same in JavaScript and Rust regex syntax, with no translation. */
const cases: OracleCase[] = [
  { params: { query: 'quartzneedle' }, rgArgs: ['-i', '-F', '-e', 'quartzneedle'] },
  { params: { query: 'todo' }, rgArgs: ['-i', '-F', '-e', 'todo'] },
  { params: { query: 'Todo', caseSensitive: true }, rgArgs: ['-s', '-F', '-e', 'Todo'] },
  { params: { query: 'café', caseSensitive: true }, rgArgs: ['-s', '-F', '-e', 'café'] },
  { params: { query: '[a-z]+ing', regex: true }, rgArgs: ['-i', '-e', '[a-z]+ing'] },
  {
    params: { query: '(fetchUser|ValueError)[0-9]+', regex: true, caseSensitive: true },
    rgArgs: ['-s', '-e', '(fetchUser|ValueError)[0-9]+'],
  },
  {
    params: { query: 'return [a-zé]+[(]x', regex: true },
    rgArgs: ['-i', '-e', 'return [a-zé]+[(]x'],
  },
];

/** Bare `rg --json`, decoded the simple way: byte offsets → UTF-16 columns through Buffer. */
function oracle(rgArgs: string[]): SearchMatch[] {
  const run = spawnSync('rg', ['--json', '--no-config', '--no-require-git', ...rgArgs, '.'], {
    cwd: root,
    maxBuffer: 512 * 1024 * 1024,
    encoding: 'utf8',
  });
  expect(run.status === 0 || run.status === 1).toBe(true);
  const results: SearchMatch[] = [];
  for (const line of run.stdout.split('\n')) {
    if (!line.startsWith('{"type":"match"')) continue;
    const { data } = JSON.parse(line);
    const bytes = Buffer.from(data.lines.text, 'utf8');
    const unit = (offset: number) => bytes.subarray(0, offset).toString('utf8').length;
    const text = data.lines.text.replace(/\r?\n$/, '');
    const matches = data.submatches.map((m: { start: number; end: number }) => ({
      start: unit(m.start),
      end: unit(m.end),
    }));
    results.push({
      file: data.path.text.replace(/^\.\//, ''),
      line: data.line_number,
      column: matches[0].start,
      text,
      matches,
    });
  }
  return sortResults(results);
}

const ripgrep = createRipgrepEngine('rg');
const builtin = createBuiltinEngine();

describe('both engines against rg itself on a generated corpus', () => {
  for (const { params, rgArgs } of cases) {
    it(`agree on ${JSON.stringify(params)}`, async () => {
      const expected = oracle(rgArgs);
      expect(expected.length).toBeGreaterThan(0);
      const fromRg = await runEngine(ripgrep, root, params);
      const fromBuiltin = await runEngine(builtin, root, params);
      expect(fromRg.results).toEqual(expected);
      expect(fromBuiltin.results).toEqual(expected);
    });
  }
});
