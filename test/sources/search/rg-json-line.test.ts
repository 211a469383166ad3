import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripLineTerminator } from '../../../src/sources/search/line-text.js';
import { type RgMessage, readMatchLine } from '../../../src/sources/search/rg-json-line.js';
import { makeTempDir } from '../../support/server.js';
import { writeTree } from './support.js';

/** What the search takes from a line that `JSON.parse` read. */
function fieldsOf(message: RgMessage): RgMessage {
  const { lines, line_number, submatches } = message.data;
  return {
    type: message.type,
    data: {
      lines,
      line_number,
      submatches: (submatches ?? []).map(({ start, end }) => ({ start, end })),
    },
  };
}

function expectSameAsJsonParse(line: Buffer): void {
  const read = readMatchLine(line);
  expect(read).toBeDefined();
  const { asciiLines, ...fields } = read!;
  expect(fields).toEqual(fieldsOf(JSON.parse(line.toString('utf8')) as RgMessage));
  // The hint that lets byte offsets be used as they are must never be wrong.
  if (asciiLines) {
    const text = fields.data.lines?.text ?? '';
    expect([...text].every((char) => char.charCodeAt(0) < 0x80)).toBe(true);
  }
}

let root: string;
beforeAll(async () => {
  root = await makeTempDir('sidecar-rg-json-line-');
  await writeTree(root, {
    'quotes.txt': 'say "foo" \\ foo\\"\tfoo\n',
    'unicode.txt': 'café foo 😀 foo\nfoo\n',
    'latin1.txt': Buffer.from('caf\xe9 foo\n', 'latin1'),
    'control.txt': 'a\u0001foo\u001f\n',
    'no-newline.txt': 'last foo',
    'path "odd" \\ name.txt': 'foo\n',
  });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("reading rg's match and context lines without JSON.parse", () => {
  it('reads every match and context line of real rg output as JSON.parse does', () => {
    const output = spawnSync('rg', ['--json', '--no-config', '--context', '1', 'foo|$', '.'], {
      cwd: root,
    }).stdout.toString('utf8');
    const lines = output.split('\n').filter((line) => /^\{"type":"(match|context)"/.test(line));
    expect(lines.length).toBeGreaterThanOrEqual(7);
    expect(lines.some((line) => line.includes(`"bytes":`))).toBe(true);
    for (const line of lines) expectSameAsJsonParse(Buffer.from(line));
  });

  it('reads any text, offsets and submatches in rg layout as JSON.parse does', () => {
    const data = fc.oneof(
      fc.record({ text: fc.string({ unit: 'binary' }) }),
      fc.record({ bytes: fc.base64String() }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom('match', 'context'),
        data,
        data,
        fc.option(fc.nat(), { nil: null }),
        fc.nat(),
        fc.array(fc.record({ match: data, start: fc.nat(), end: fc.nat() }), { maxLength: 4 }),
        (type, path, lines, lineNumber, offset, submatches) => {
          const line = JSON.stringify({
            type,
            data: { path, lines, line_number: lineNumber, absolute_offset: offset, submatches },
          });
          expectSameAsJsonParse(Buffer.from(line));
        },
      ),
    );
  });

  it('reads a plain line ending in its terminator as ASCII, without decoding escapes', () => {
    for (const text of ['  // TODO: x\n', 'TODO\r\n', 'last TODO']) {
      const line = Buffer.from(
        JSON.stringify({
          type: 'match',
          data: {
            path: { text: './a.ts' },
            lines: { text },
            line_number: 3,
            absolute_offset: 10,
            submatches: [{ match: { text: 'TODO' }, start: 0, end: 4 }],
          },
        }),
      );
      expectSameAsJsonParse(line);
      expect(readMatchLine(line)?.asciiLines).toBe(true);
    }
  });

  it('when asked, leaves a match undecoded: where its escaped text is, its length, if ASCII', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.constantFrom('', '\n', '\r\n'),
        fc.constantFrom('match', 'context'),
        (body, terminator, type) => {
          const line = Buffer.from(
            JSON.stringify({
              type,
              data: {
                path: { text: './a.ts' },
                lines: { text: body + terminator },
                line_number: 1,
                absolute_offset: 0,
                submatches: [],
              },
            }),
          );
          const read = readMatchLine(line, 0, line.length, 1000);
          // The line's own terminator is left out (a body ending in \r makes it \r\n).
          const text = stripLineTerminator(body + terminator);
          // A lone surrogate is written as a `\u` escape, which rg never writes: decoded.
          const plain = type === 'match' && !/\p{Surrogate}/u.test(body) && text.length <= 1000;
          expect(read?.rawText !== undefined).toBe(plain);
          if (!read?.rawText) return;
          const { start, end, length } = read.rawText;
          expect(JSON.parse(`"${line.toString('utf8', start, end)}"`)).toBe(text);
          expect(length).toBe(text.length);
          expect(read.asciiLines).toBe([...text].every((char) => char.charCodeAt(0) < 0x80));
          expect(read.data.lines).toBeUndefined();
        },
      ),
    );
  });

  it('gives up on other lines and on a layout it does not know, for JSON.parse to read', () => {
    const known =
      '{"type":"match","data":{"path":{"text":"a"},"lines":{"text":"x\\n"},"line_number":1,"absolute_offset":0,"submatches":[]}}';
    expect(readMatchLine(Buffer.from(known))).toBeDefined();
    for (const line of [
      '{"type":"begin","data":{"path":{"text":"a"}}}',
      known.replace('"line_number":1,"absolute_offset":0', '"absolute_offset":0,"line_number":1'),
      known.replace('"submatches":[]', '"submatches":[],"extra":1'),
      `${known} `,
      `${known}\r`,
      known.slice(0, -3),
      known.replace('"line_number":1', '"line_number":-1'),
      known.replace('"line_number":1', '"line_number":1.5'),
      known.replace('"line_number":1', '"line_number":12345678901234567'),
    ]) {
      expect(readMatchLine(Buffer.from(line))).toBeUndefined();
    }
  });
});
