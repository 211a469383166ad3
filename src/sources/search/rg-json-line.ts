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

export interface RgMessage {
  type: string;
  /** Set by `readMatchLine`: the line's text is ASCII, so its byte offsets are UTF-16 offsets. */
  asciiLines?: boolean;
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

/** Where reading stands in `line[..end)`; `ascii` tells whether the last string read was. */
interface Cursor {
  at: number;
  end: number;
  ascii: boolean;
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

/**
 * A JSON string whose opening quote was just read: its value (decoded only when `keep`), and
 * the cursor past the closing quote. Undefined when the line ends first.
 */
function readString(line: Buffer, cursor: Cursor, keep: boolean): string | undefined {
  const start = cursor.at;
  let escaped = false;
  let high = false;
  /** Where a closing `\n` or `\r\n` escape starts (a line's terminator), if there is one. */
  let terminator = -1;
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
      at += 2; // whatever follows a backslash belongs to the escape
    } else {
      if (byte >= 0x80) high = true;
      at++;
    }
  }
  cursor.at = at + 1;
  cursor.ascii = !escaped && !high;
  if (!keep) return '';
  if (escaped) return JSON.parse(line.toString('utf8', start - 1, at + 1)) as string;
  // Without escapes the bytes between the quotes are the text (rg writes valid UTF-8 here).
  if (terminator === -1) return line.toString('utf8', start, at);
  return line.toString('utf8', start, terminator) + (at - terminator === 2 ? '\n' : '\r\n');
}

const LETTER_N = 0x6e;
const LETTER_R = 0x72;

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

/** `{"text":"…"}` or `{"bytes":"…"}` after its opening brace. */
function readData(line: Buffer, cursor: Cursor, keep: boolean): RgData | undefined {
  if (expect(line, cursor, TEXT_KEY)) {
    const text = readString(line, cursor, keep);
    return text === undefined ? undefined : { text };
  }
  if (expect(line, cursor, BYTES_KEY)) {
    const bytes = readString(line, cursor, keep);
    return bytes === undefined ? undefined : { bytes };
  }
  return undefined;
}

/**
 * A `match` or `context` line as `JSON.parse` would give it, less the fields the search does
 * not use (the path, which `begin` gave, the offset and each submatch's text). Undefined for
 * any other line, or one not in rg's usual layout.
 */
export function readMatchLine(line: Buffer, start = 0, end = line.length): RgMessage | undefined {
  const cursor: Cursor = { at: start, end, ascii: false };
  let type: string;
  if (expect(line, cursor, MATCH_HEAD)) type = 'match';
  else if (expect(line, cursor, CONTEXT_HEAD)) type = 'context';
  else return undefined;

  if (!readData(line, cursor, false) || !expect(line, cursor, LINES_KEY)) return undefined;
  const lines = readData(line, cursor, true);
  const asciiLines = lines?.text !== undefined && cursor.ascii;
  if (!lines || !expect(line, cursor, LINE_NUMBER_KEY)) return undefined;
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
      if (!expect(line, cursor, SUBMATCH_HEAD) || !readData(line, cursor, false)) return undefined;
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
  return { type, asciiLines, data: { lines, line_number: lineNumber, submatches } };
}
