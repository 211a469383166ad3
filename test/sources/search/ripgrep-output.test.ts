import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchMatch } from '../../../src/protocol/index.js';
import { createRipgrepOutput } from '../../../src/sources/search/ripgrep-output.js';
import { makeTempDir } from '../../support/server.js';
import { writeTree } from './support.js';

let root: string;
let output: Buffer;
beforeAll(async () => {
  root = await makeTempDir('sidecar-rg-output-');
  await writeTree(root, {
    'a.txt': 'one foo\ntwo\nthree foo foo\nfour\nfive\nsix\nseven foo\n',
    'latin1.txt': Buffer.from('caf\xe9 foo\n', 'latin1'),
    'crlf.txt': 'x foo\r\n',
  });
  output = spawnSync('rg', ['--json', '--no-config', '--crlf', '--context', '1', 'foo', '.'], {
    cwd: root,
  }).stdout;
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function parse(chunks: Buffer[], contextLines = 1) {
  const results: SearchMatch[] = [];
  const parser = createRipgrepOutput({
    contextLines,
    onResult: (_file, json) => results.push(JSON.parse(json) as SearchMatch),
  });
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return {
    results: results.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line),
    parser,
  };
}

describe('reading rg --json output', () => {
  it('turns matches into results with context, paths relative, bytes decoded', () => {
    const { results, parser } = parse([output]);
    expect(parser.sawSummary).toBe(true);
    expect(results).toEqual([
      {
        file: 'a.txt',
        line: 1,
        column: 4,
        text: 'one foo',
        matches: [{ start: 4, end: 7 }],
        before: [],
        after: ['two'],
      },
      {
        file: 'a.txt',
        line: 3,
        column: 6,
        text: 'three foo foo',
        matches: [
          { start: 6, end: 9 },
          { start: 10, end: 13 },
        ],
        before: ['two'],
        after: ['four'],
      },
      {
        file: 'a.txt',
        line: 7,
        column: 6,
        text: 'seven foo',
        matches: [{ start: 6, end: 9 }],
        before: ['six'],
        after: [],
      },
      {
        file: 'crlf.txt',
        line: 1,
        column: 2,
        text: 'x foo',
        matches: [{ start: 2, end: 5 }],
        before: [],
        after: [],
      },
      {
        file: 'latin1.txt',
        line: 1,
        column: 5,
        text: 'caf\uFFFD foo',
        matches: [{ start: 5, end: 8 }],
        before: [],
        after: [],
      },
    ]);
  });

  it('gives the same results however the output is split into chunks', () => {
    const whole = parse([output]).results;
    for (const size of [1, 7, 64, 1000]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < output.length; i += size) chunks.push(output.subarray(i, i + size));
      expect(parse(chunks).results).toEqual(whole);
    }
  });

  it("writes plain lines straight from rg's text, as decoding them gives", () => {
    // Keys in another order: a layout the reader does not know, so every line is decoded.
    const decoded = (line: string) => {
      const { type, data } = JSON.parse(line) as { type: string; data: unknown };
      return JSON.stringify({ data, type });
    };
    const text = fc.oneof(fc.string({ unit: 'binary-ascii' }), fc.string({ unit: 'binary' }));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(text, fc.array(fc.nat(), { maxLength: 6 })), { maxLength: 5 }),
        fc.constantFrom('\n', '\r\n', ''),
        (lines, terminator) => {
          const path = { text: './dir/"odd" name.ts' };
          const rg = [JSON.stringify({ type: 'begin', data: { path } })];
          lines.forEach(([body, offsets], index) => {
            const full = body.replace(/[\r\n]/g, ' ') + terminator;
            const bytes = Buffer.byteLength(full);
            const sorted = offsets.map((offset) => offset % (bytes + 1)).sort((a, b) => a - b);
            const submatches = [];
            for (let i = 0; i + 1 < sorted.length; i += 2) {
              submatches.push({ match: { text: '' }, start: sorted[i], end: sorted[i + 1] });
            }
            const data = {
              path,
              lines: { text: full },
              line_number: index + 1,
              absolute_offset: 0,
            };
            rg.push(JSON.stringify({ type: 'match', data: { ...data, submatches } }));
          });
          rg.push(JSON.stringify({ type: 'end', data: { path } }));
          const plain = parse([Buffer.from(`${rg.join('\n')}\n`)], 0).results;
          const slow = parse([Buffer.from(`${rg.map(decoded).join('\n')}\n`)], 0).results;
          expect(plain).toEqual(slow);
        },
      ),
    );
  });

  it('skips a line longer than the cap without buffering it, and goes on', () => {
    const skipped: string[] = [];
    const results: SearchMatch[] = [];
    const parser = createRipgrepOutput({
      contextLines: 0,
      maxLineBytes: 100,
      onResult: (_file, json) => results.push(JSON.parse(json) as SearchMatch),
      onSkippedLine: (reason) => skipped.push(reason),
    });
    const match = (text: string) =>
      `${JSON.stringify({ type: 'match', data: { path: { text: './f' }, lines: { text: `${text}\n` }, line_number: 1, submatches: [{ start: 0, end: 1 }] } })}\n`;
    parser.push(
      Buffer.from(`${JSON.stringify({ type: 'begin', data: { path: { text: './f' } } })}\n`),
    );
    const giant = match('x'.repeat(500));
    parser.push(Buffer.from(giant.slice(0, 200)));
    parser.push(Buffer.from(giant.slice(200)));
    parser.push(Buffer.from('not json\n'));
    parser.push(Buffer.from(match('y')));
    parser.end();
    expect(skipped).toEqual(['a line of output over 100 bytes', 'not JSON: not json']);
    expect(results.map((r) => r.text)).toEqual(['y']);
  });
});
