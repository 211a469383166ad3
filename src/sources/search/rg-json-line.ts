/**
 * Reads rg's `match` and `context` lines without `JSON.parse`: with thousands of results, they
 * are most of rg's output, and parsing each one whole (the path again, every submatch's text)
 * was the largest share of what the sidecar spends per result. rg (serde) always writes these
 * lines in one layout; this reader takes only the fields the search needs from that layout and
 * gives up (returns undefined) on anything else, so the caller falls back to `JSON.parse`.
 */

/** ripgrep's "arbitrary data": UTF-8 text, or base64 bytes when it is not valid UTF-8. */
export interface RgData {
  text?: string;
  bytes?: string;
}

/**
 * Where a line's JSON-escaped text lies in rg's output line: `[start, end)` without the line's
 * own terminator, `[start, fullEnd)` with it; and its length in UTF-16 units once decoded.
 * Whether it is ASCII is the message's `asciiLines`.
 */
export interface RawText {
  start: number;
  end: number;
  fullEnd: number;
  length: number;
}

export interface RgMessage {
  type: string;
  /** Set by `readMatchLine`: the line's text is ASCII, so its byte offsets are UTF-16 offsets. */
  asciiLines?: boolean;
  /** Set by `readMatchLine` instead of `data.lines` when asked to: see there. */
  rawText?: RawText;
  data: {
    path?: RgData;
    lines?: RgData;
    line_number?: number | null;
    submatches?: { start: number; end: number }[];
  };
}

const bytesOf = (text: string) => Buffer.from(text, 'latin1');
const MATCH_HEAD = bytesOf('{"type":"match","data":{"path":{');
const CONTEXT_HEAD = bytesOf('{"type":"context","data":{"path":{');
const TEXT_KEY = bytesOf('"text":"');
const BYTES_KEY = bytesOf('"bytes":"');
const LINES_KEY = bytesOf('},"lines":{');
const LINE_NUMBER_KEY = bytesOf('},"line_number":');
const NULL = bytesOf('null');
const OFFSET_KEY = bytesOf(',"absolute_offset":');
const SUBMATCHES_KEY = bytesOf(',"submatches":[');
const SUBMATCH_HEAD = bytesOf('{"match":{');
const START_KEY = bytesOf('},"start":');
const END_KEY = bytesOf(',"end":');
const TAIL = bytesOf('}}');

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;

/** Where reading stands in `line[..end)`. */
interface Cursor {
  at: number;
  end: number;
}

function expect(line: Buffer, cursor: Cursor, literal: Buffer): boolean {
  const { at } = cursor;
  if (at + literal.length > cursor.end) return false;
  for (let i = 0; i < literal.length; i++) {
    if (line[at + i] !== literal[i]) return false;
  }
  cursor.at = at + literal.length;
  return true;
}

/** A non-negative integer; -1 when there is none (or too many digits to be exact). */
function readInteger(line: Buffer, cursor: Cursor): number {
  let value = 0;
  let digits = 0;
  let at = cursor.at;
  for (; at < cursor.end; at++) {
    const byte = line[at]!;
    if (byte < 0x30 || byte > 0x39) break;
    value = value * 10 + (byte - 0x30);
    digits++;
  }
  if (digits === 0 || digits > 15) return -1;
  cursor.at = at;
  return value;
}

/** A JSON string's content, `line[start..quote)`, as scanned by `scanString`. */
interface StringScan {
  start: number;
  /** Where its closing quote is. */
  quote: number;
  /** Where a closing `\n` or `\r\n` escape (a line's terminator) starts, else `quote`. */
  textEnd: number;
  /** Whether an escape other than that terminator occurs. */
  escaped: boolean;
  /** Whether some character is not ASCII (a byte ≥ 0x80, or a `\u` escape of one). */
  beyondAscii: boolean;
  /** Whether a `\u` escape stands for a character beyond ASCII (rg writes those as they are). */
  wideEscape: boolean;
  /** UTF-16 code units before `textEnd`, once decoded. */
  length: number;
}

/** Scans a JSON string whose opening quote was just read; undefined when the line ends first. */
function scanString(line: Buffer, cursor: Cursor): StringScan | undefined {
  const start = cursor.at;
  let escaped = false;
  let beyondAscii = false;
  let wideEscape = false;
  let terminator = -1;
  let units = 0;
  let at = start;
  for (;;) {
    if (at >= cursor.end) return undefined;
    const byte = line[at]!;
    if (byte === QUOTE) break;
    if (byte === BACKSLASH) {
      const length = terminatorLength(line, at, cursor.end);
      if (length > 0) {
        terminator = at;
        at += length;
        continue;
      }
      escaped = true;
      if (line[at + 1] === LETTER_U) {
        if (!isHexEscape(line, at, cursor.end)) return undefined;
        // rg escapes only control characters this way; anything else is not plain ASCII.
        if (line[at + 2] !== DIGIT_0 || line[at + 3] !== DIGIT_0 || line[at + 4]! > DIGIT_7) {
          beyondAscii = true;
          wideEscape = true;
        }
        at += 6;
      } else {
        at += 2;
      }
      units++;
    } else {
      if (byte < 0x80) units++;
      else {
        beyondAscii = true;
        // A character's first byte: four-byte characters are two UTF-16 units.
        if (byte >= 0xc0) units += byte >= 0xf0 ? 2 : 1;
      }
      at++;
    }
  }
  const textEnd = terminator === -1 ? at : terminator;
  cursor.at = at + 1;
  return { start, quote: at, textEnd, escaped, beyondAscii, wideEscape, length: units };
}

/** A scanned string's value. */
function decodeString(line: Buffer, scan: StringScan): string {
  const { start, quote, textEnd } = scan;
  if (scan.escaped) return JSON.parse(line.toString('utf8', start - 1, quote + 1)) as string;
  // Without escapes the bytes between the quotes are the text (rg writes valid UTF-8 here).
  if (textEnd === quote) return line.toString('utf8', start, quote);
  return line.toString('utf8', start, textEnd) + (quote - textEnd === 2 ? '\n' : '\r\n');
}

const LETTER_N = 0x6e;
const LETTER_R = 0x72;
const LETTER_U = 0x75;
const DIGIT_0 = 0x30;
const DIGIT_7 = 0x37;

/** Whether the `\u` at `at` is followed by four hex digits. */
function isHexEscape(line: Buffer, at: number, end: number): boolean {
  if (at + 6 > end) return false;
  for (let i = at + 2; i < at + 6; i++) {
    const byte = line[i]! | 0x20; // lower case
    if (!((byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66))) return false;
  }
  return true;
}

/**
 * The length of the escaped `\n` or `\r\n` at `at` when it closes the string (every line of
 * text rg sends ends with one), else 0: it needs no JSON decoding.
 */
function terminatorLength(line: Buffer, at: number, end: number): number {
  if (at + 2 < end && line[at + 1] === LETTER_N && line[at + 2] === QUOTE) return 2;
  if (
    at + 4 < end &&
    line[at + 1] === LETTER_R &&
    line[at + 2] === BACKSLASH &&
    line[at + 3] === LETTER_N &&
    line[at + 4] === QUOTE
  ) {
    return 4;
  }
  return 0;
}

/** `{"text":"…"}` or `{"bytes":"…"}` after its opening brace, scanned but not decoded. */
function scanData(line: Buffer, cursor: Cursor): ScannedData | undefined {
  const kind = expect(line, cursor, TEXT_KEY) ? 'text' : expect(line, cursor, BYTES_KEY) && 'bytes';
  if (!kind) return undefined;
  const scan = scanString(line, cursor);
  return scan && { kind, scan };
}

interface ScannedData {
  kind: 'text' | 'bytes';
  scan: StringScan;
}

function decodeData(line: Buffer, { kind, scan }: ScannedData): RgData {
  return kind === 'text' ? { text: decodeString(line, scan) } : { bytes: decodeString(line, scan) };
}

/**
 * A `match` or `context` line as `JSON.parse` would give it, less the fields the search does
 * not use (the path, which `begin` gave, the offset and each submatch's text). Undefined for
 * any other line, or one not in rg's usual layout.
 *
 * Given `rawUpTo`, a match whose text is at most that long (in UTF-16 units) is not decoded:
 * `rawText` says where its JSON-escaped text lies in `line`, for a result built straight from
 * it.
 */
export function readMatchLine(
  line: Buffer,
  start = 0,
  end = line.length,
  rawUpTo?: number,
): RgMessage | undefined {
  const cursor: Cursor = { at: start, end };
  let type: string;
  if (expect(line, cursor, MATCH_HEAD)) type = 'match';
  else if (expect(line, cursor, CONTEXT_HEAD)) type = 'context';
  else return undefined;

  if (!scanData(line, cursor) || !expect(line, cursor, LINES_KEY)) return undefined;
  const lines = scanData(line, cursor);
  if (!lines || !expect(line, cursor, LINE_NUMBER_KEY)) return undefined;
  const asciiLines = lines.kind === 'text' && !lines.scan.beyondAscii;
  let lineNumber: number | null = null;
  if (!expect(line, cursor, NULL)) {
    lineNumber = readInteger(line, cursor);
    if (lineNumber < 0) return undefined;
  }
  if (!expect(line, cursor, OFFSET_KEY) || readInteger(line, cursor) < 0) return undefined;
  if (!expect(line, cursor, SUBMATCHES_KEY)) return undefined;

  const submatches: { start: number; end: number }[] = [];
  if (cursor.at < end && line[cursor.at] === CLOSE_BRACKET) {
    cursor.at++;
  } else {
    for (;;) {
      if (!expect(line, cursor, SUBMATCH_HEAD) || !scanData(line, cursor)) return undefined;
      if (!expect(line, cursor, START_KEY)) return undefined;
      const matchStart = readInteger(line, cursor);
      if (matchStart < 0 || !expect(line, cursor, END_KEY)) return undefined;
      const matchEnd = readInteger(line, cursor);
      if (matchEnd < 0 || cursor.at + 1 >= end || line[cursor.at] !== CLOSE_BRACE) return undefined;
      submatches.push({ start: matchStart, end: matchEnd });
      const next = line[cursor.at + 1];
      cursor.at += 2;
      if (next === CLOSE_BRACKET) break;
      if (next !== COMMA) return undefined;
    }
  }
  if (!expect(line, cursor, TAIL) || cursor.at !== end) return undefined;
  const { scan } = lines;
  const plain = lines.kind === 'text' && !scan.wideEscape;
  if (type === 'match' && plain && rawUpTo !== undefined && scan.length <= rawUpTo) {
    const { start: textStart, textEnd, quote, length } = scan;
    const rawText = { start: textStart, end: textEnd, fullEnd: quote, length };
    return { type, asciiLines, rawText, data: { line_number: lineNumber, submatches } };
  }
  const data = { lines: decodeData(line, lines), line_number: lineNumber, submatches };
  return { type, asciiLines, data };
}

/**
 * `byteOffsetsToUnits` (line-text.ts) for a text still JSON-escaped in rg's output: the UTF-16
 * offsets of ascending byte offsets of the line it stands for (an offset inside a character
 * counts as that character's end).
 */
export function rawOffsetsToUnits(
  line: Buffer,
  raw: RawText,
  byteOffsets: readonly number[],
): number[] {
  const units: number[] = [];
  let at = raw.start;
  let byte = 0;
  let unit = 0;
  for (const target of byteOffsets) {
    while (byte < target && at < raw.fullEnd) {
      const first = line[at]!;
      if (first === BACKSLASH) {
        // One byte of the line (`readMatchLine` leaves lines with wider `\u` escapes decoded).
        at += line[at + 1] === LETTER_U ? 6 : 2;
        byte++;
        unit++;
      } else if (first < 0x80) {
        at++;
        byte++;
        unit++;
      } else {
        const size = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : 2;
        at += size;
        byte += size;
        unit += size === 4 ? 2 : 1;
      }
    }
    units.push(unit);
  }
  return units;
}
