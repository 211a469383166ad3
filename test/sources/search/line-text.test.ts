import { describe, expect, it } from 'vitest';
import {
  buildResult,
  byteOffsetsToUnits,
  decodeBytes,
  decodeBytesReporting,
  displayText,
  MAX_LINE_TEXT,
  stripLineTerminator,
} from '../../../src/sources/search/line-text.js';

const bytes = (...values: number[]) => Uint8Array.from(values);

describe('decoding lines', () => {
  it('decodes valid UTF-8 as is', () => {
    expect(decodeBytesReporting(Buffer.from('café 😀 \uFFFD'))).toEqual({
      text: 'café 😀 \uFFFD',
      invalid: false,
    });
  });

  it('turns each byte of an ill-formed sequence into its own stand-in', () => {
    expect(decodeBytes(bytes(0x63, 0xe9, 0x20))).toBe('c\uDCE9 ');
    expect(decodeBytes(bytes(0xe2, 0x82, 0x41))).toBe('\uDCE2\uDC82A'); // truncated
    expect(decodeBytes(bytes(0xc0, 0x80))).toBe('\uDCC0\uDC80'); // overlong
    expect(decodeBytes(bytes(0xed, 0xa0, 0x80))).toBe('\uDCED\uDCA0\uDC80'); // a surrogate
    expect(decodeBytes(bytes(0xf5, 0x80, 0x80, 0x80))).toBe('\uDCF5\uDC80\uDC80\uDC80');
    expect(decodeBytes(bytes(0xf0, 0x9f, 0x98, 0x80, 0xff))).toBe('😀\uDCFF');
    expect(decodeBytesReporting(bytes(0xff)).invalid).toBe(true);
  });

  it('shows stand-ins as U+FFFD, leaving real surrogate pairs alone', () => {
    expect(displayText('c\uDCE9 \uD83D\uDC80')).toBe('c\uFFFD \uD83D\uDC80');
  });

  it('converts byte offsets to UTF-16 offsets', () => {
    const text = decodeBytes(Buffer.concat([Buffer.from('aé😀'), bytes(0xff), Buffer.from('z')]));
    // a=1 byte, é=2, 😀=4 (2 units), 0xFF=1 (its stand-in), z=1
    expect(byteOffsetsToUnits(text, [0, 1, 3, 7, 8, 9])).toEqual([0, 1, 2, 4, 5, 6]);
    // An offset inside a character lands after it.
    expect(byteOffsetsToUnits(text, [2, 4])).toEqual([2, 4]);
  });

  it('drops one line terminator', () => {
    expect(stripLineTerminator('a\r\n')).toBe('a');
    expect(stripLineTerminator('a\n')).toBe('a');
    expect(stripLineTerminator('a\r')).toBe('a\r');
    expect(stripLineTerminator('a')).toBe('a');
  });
});

describe('buildResult', () => {
  it('gives the column of the first match and the ranges within the text', () => {
    expect(
      buildResult('f.ts', 3, 'a TODO b TODO', [
        { start: 2, end: 6 },
        { start: 9, end: 13 },
      ]),
    ).toEqual({
      file: 'f.ts',
      line: 3,
      column: 2,
      text: 'a TODO b TODO',
      matches: [
        { start: 2, end: 6 },
        { start: 9, end: 13 },
      ],
    });
  });

  it('leaves out ranges in the dropped terminator and repeated empty ranges', () => {
    const result = buildResult('f', 1, 'foo', [
      { start: 0, end: 0 },
      { start: 0, end: 0 },
      { start: 3, end: 3 },
      { start: 3, end: 4 },
      { start: 4, end: 4 },
    ]);
    expect(result?.matches).toEqual([
      { start: 0, end: 0 },
      { start: 3, end: 3 },
    ]);
    expect(buildResult('f', 1, 'foo', [{ start: 3, end: 4 }])).toBeNull();
  });

  it('cuts a long line to a window around the first match, keeping ranges in the window', () => {
    const line = `${'x'.repeat(5000)}HIT${'y'.repeat(200)}HIT${'z'.repeat(5000)}`;
    const result = buildResult('f', 1, line, [
      { start: 5000, end: 5003 },
      { start: 5203, end: 5206 },
      { start: 9000, end: 9001 },
    ])!;
    expect(result.column).toBe(5000);
    expect(result.textStart).toBe(4900);
    expect(result.text).toHaveLength(MAX_LINE_TEXT);
    expect(result.matches).toEqual([
      { start: 100, end: 103 },
      { start: 303, end: 306 },
    ]);
    expect(result.text.slice(100, 103)).toBe('HIT');
  });

  it('never splits a surrogate pair at a window edge', () => {
    const line = '😀'.repeat(3000);
    const result = buildResult('f', 1, line, [{ start: 2001, end: 2003 }])!;
    expect(result.text).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
  });

  it('adds context lines, cut like long lines', () => {
    const long = 'c'.repeat(3000);
    const result = buildResult('f', 2, 'hit', [{ start: 0, end: 3 }], {
      before: ['a'],
      after: [long],
    });
    expect(result?.before).toEqual(['a']);
    expect(result?.after?.[0]).toHaveLength(MAX_LINE_TEXT);
  });
});
