/**
 * Lines of files as clients see them, the same whichever engine found them: bytes decoded as
 * UTF-8, each invalid byte as one U+FFFD, columns and ranges in UTF-16 code units (what
 * `String.prototype.slice` counts, and LSP's default), long lines cut to a window.
 *
 * While searching, an invalid byte 0xXY decodes to the lone surrogate U+DCXY instead of U+FFFD
 * (like Python's "surrogateescape"), so a regex can tell it from a real U+FFFD in the file; it
 * becomes U+FFFD only in what is sent.
 */

import type { SearchMatch } from '../../protocol/index.js';

/** The longest `text` sent for one line; longer lines are cut to a window around the match. */
export const MAX_LINE_TEXT = 1000;
/** How much of a long line is kept before its first match. */
const WINDOW_LEAD = 100;

export interface Range {
  start: number;
  end: number;
}

const REPLACEMENT = '\uFFFD';
const INVALID_BYTE_STAND_IN = /[\uDC80-\uDCFF]/gu;

/** Decodes UTF-8; every byte that is not part of a well-formed sequence becomes U+DC80+byte. */
export function decodeBytes(bytes: Uint8Array): string {
  return decodeBytesReporting(bytes).text;
}

/** `decodeBytes`, also saying whether some byte was invalid. */
export function decodeBytesReporting(bytes: Uint8Array): { text: string; invalid: boolean } {
  const fast = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  // No U+FFFD at all: the bytes were valid UTF-8 (a real U+FFFD takes the slow path, harmlessly).
  if (!fast.includes(REPLACEMENT)) return { text: fast, invalid: false };
  const parts: string[] = [];
  let invalid = false;
  let i = 0;
  while (i < bytes.length) {
    const length = wellFormedLength(bytes, i);
    if (length === 0) {
      parts.push(String.fromCharCode(0xdc00 + bytes[i]!));
      invalid = true;
      i++;
      continue;
    }
    // Copy a run of well-formed sequences at once.
    let end = i + length;
    for (let next = wellFormedLength(bytes, end); next > 0; next = wellFormedLength(bytes, end)) {
      end += next;
    }
    parts.push(Buffer.from(bytes.buffer, bytes.byteOffset + i, end - i).toString('utf8'));
    i = end;
  }
  return { text: parts.join(''), invalid };
}

/** The length of the well-formed UTF-8 sequence at `i` (Unicode table 3-7), or 0. */
function wellFormedLength(bytes: Uint8Array, i: number): number {
  const first = bytes[i];
  if (first === undefined) return 0;
  if (first < 0x80) return 1;
  const cont = (index: number, low = 0x80, high = 0xbf) => {
    const byte = bytes[index];
    return byte !== undefined && byte >= low && byte <= high;
  };
  if (first >= 0xc2 && first <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (first >= 0xe0 && first <= 0xef) {
    const low = first === 0xe0 ? 0xa0 : 0x80;
    const high = first === 0xed ? 0x9f : 0xbf;
    return cont(i + 1, low, high) && cont(i + 2) ? 3 : 0;
  }
  if (first >= 0xf0 && first <= 0xf4) {
    const low = first === 0xf0 ? 0x90 : 0x80;
    const high = first === 0xf4 ? 0x8f : 0xbf;
    return cont(i + 1, low, high) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

/**
 * Converts ascending UTF-8 byte offsets within `text` (as decoded by `decodeBytes`) to UTF-16
 * offsets, in one pass.
 */
export function byteOffsetsToUnits(text: string, byteOffsets: readonly number[]): number[] {
  const units: number[] = [];
  let unit = 0;
  let byte = 0;
  for (const target of byteOffsets) {
    while (byte < target && unit < text.length) {
      const code = text.charCodeAt(unit);
      if (code < 0x80) byte += 1;
      else if (code < 0x800) byte += 2;
      else if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(unit + 1))) {
        byte += 4;
        unit++;
      } else if (code >= 0xdc80 && code <= 0xdcff)
        byte += 1; // an invalid byte's stand-in
      else byte += 3;
      unit++;
    }
    units.push(unit);
  }
  return units;
}

const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;
const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/** The text to send: invalid bytes' stand-ins shown as U+FFFD. */
export function displayText(text: string): string {
  return text.replace(INVALID_BYTE_STAND_IN, REPLACEMENT);
}

/** Drops a line terminator (`\n` or `\r\n`) from the end of a line. */
export function stripLineTerminator(line: string): string {
  if (line.endsWith('\r\n')) return line.slice(0, -2);
  if (line.endsWith('\n')) return line.slice(0, -1);
  return line;
}

/**
 * The ranges a result keeps of a line `length` units long (terminator dropped): repeats and
 * ranges within the dropped terminator (ripgrep reports them, e.g. an empty match after `\r`)
 * left out, ends cut to the line.
 */
export function keptRanges(length: number, ranges: readonly Range[]): Range[] {
  const kept: Range[] = [];
  for (const { start, end } of ranges) {
    const previous = kept.at(-1);
    // ripgrep finds empty matches at every byte: inside a multi-byte character they repeat.
    if (previous && previous.start === start && previous.end === end) continue;
    if (start < length || (start === length && end === start)) {
      kept.push({ start, end: Math.min(end, length) });
    }
  }
  return kept;
}

/**
 * A result for one matching line, or null when no range is left within it. `ranges` are UTF-16
 * offsets in `line` (terminator dropped), ascending, filtered by `keptRanges`. `before`/`after`
 * are the context lines, in file order.
 */
export function buildResult(
  file: string,
  lineNumber: number,
  line: string,
  ranges: readonly Range[],
  context?: { before: string[]; after: string[] },
): SearchMatch | null {
  const kept = keptRanges(line.length, ranges);
  const first = kept[0];
  if (!first) return null;
  const result: SearchMatch = {
    file,
    line: lineNumber,
    column: first.start,
    text: '',
    matches: [],
  };
  if (line.length <= MAX_LINE_TEXT) {
    result.text = displayText(line);
    result.matches = kept;
  } else {
    const [windowStart, windowEnd] = windowAround(line, first.start);
    result.text = displayText(line.slice(windowStart, windowEnd));
    result.textStart = windowStart;
    result.matches = kept
      .filter((range) => range === first || (range.start < windowEnd && range.end > windowStart))
      .map((range) => ({
        start: Math.min(Math.max(range.start, windowStart), windowEnd) - windowStart,
        end: Math.min(range.end, windowEnd) - windowStart,
      }));
  }
  if (context) {
    result.before = context.before.map(contextText);
    result.after = context.after.map(contextText);
  }
  return result;
}

function contextText(line: string): string {
  return displayText(line.length <= MAX_LINE_TEXT ? line : line.slice(0, windowAround(line, 0)[1]));
}

/** A window of at most MAX_LINE_TEXT units holding `position`, not splitting a surrogate pair. */
function windowAround(line: string, position: number): [number, number] {
  let start = Math.max(0, Math.min(position - WINDOW_LEAD, line.length - MAX_LINE_TEXT));
  if (
    start > 0 &&
    isLowSurrogate(line.charCodeAt(start)) &&
    isHighSurrogate(line.charCodeAt(start - 1))
  ) {
    start++;
  }
  let end = Math.min(line.length, start + MAX_LINE_TEXT);
  if (
    end < line.length &&
    isHighSurrogate(line.charCodeAt(end - 1)) &&
    isLowSurrogate(line.charCodeAt(end))
  ) {
    end--;
  }
  return [start, end];
}
