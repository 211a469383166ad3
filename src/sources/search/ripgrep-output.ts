/**
 * Reads `rg --json` output as it arrives: splits it into lines (bounded: an absurdly long line
 * is skipped rather than buffered), parses `begin`/`match`/`context`/`end`/`summary`, decodes
 * text given as `{ bytes: base64 }` (not UTF-8), converts byte offsets to UTF-16 columns, and
 * attaches context lines to their match.
 */

import {
  buildResult,
  byteOffsetsToUnits,
  decodeBytes,
  displayText,
  keptRanges,
  MAX_LINE_TEXT,
  type Range,
  stripLineTerminator,
} from './line-text.js';
import { type EncodedMatch, encodeMatch, encodePlainMatch } from './match-json.js';
import {
  type RawText,
  type RgData,
  type RgMessage,
  rawOffsetsToUnits,
  readMatchLine,
} from './rg-json-line.js';

/** A JSON line longer than this is dropped (a giant minified line with countless matches). */
export const MAX_JSON_LINE_BYTES = 64 * 1024 * 1024;

/** How rg starts a file's closing line (its JSON lines always begin with the type). */
const END_PREFIX = Buffer.from('{"type":"end",');

export interface RipgrepOutputOptions {
  contextLines: number;
  /** Longer JSON lines are skipped; default MAX_JSON_LINE_BYTES. */
  maxLineBytes?: number;
  /** A result (in file order within its file), as JSON; `file` is its path, as in it. */
  onResult(file: string, result: EncodedMatch): void;
  /** Lines that were not JSON rg writes, or too long to keep; for the log. */
  onSkippedLine?(reason: string): void;
}

export interface RipgrepOutput {
  push(chunk: Buffer): void;
  /** The stream ended: flushes the last file. */
  end(): void;
  /** Whether rg's closing `summary` arrived (the search ran to its end). */
  readonly sawSummary: boolean;
}

interface Pending {
  lineNumber: number;
  line: string;
  ranges: Range[];
  before: string[];
  after: string[];
}

export function createRipgrepOutput(options: RipgrepOutputOptions): RipgrepOutput {
  const { contextLines } = options;
  const maxLineBytes = options.maxLineBytes ?? MAX_JSON_LINE_BYTES;
  // Lines longer than this are cut to a window, and context needs the lines decoded.
  const plainUpTo = contextLines === 0 ? MAX_LINE_TEXT : undefined;
  let partial: Buffer[] = [];
  let partialBytes = 0;
  let skippingLongLine = false;
  let sawSummary = false;

  let file = '';
  let fileJson = '""';
  let pending: Pending | null = null;
  /** Context lines since the last match: candidates for the next match's `before`. */
  let recentContext: { lineNumber: number; line: string }[] = [];

  function flushPending(): void {
    if (!pending) return;
    const context = contextLines > 0 ? { before: pending.before, after: pending.after } : undefined;
    const result = buildResult(file, pending.lineNumber, pending.line, pending.ranges, context);
    pending = null;
    if (result) options.onResult(file, encodeMatch(result));
  }

  /** A match on a line without context: its result is written from rg's own escaped text. */
  function onPlainMatch(bytes: Buffer, rawText: RawText, message: RgMessage): void {
    const { line_number: lineNumber, submatches = [] } = message.data;
    if (typeof lineNumber !== 'number') return;
    flushPending();
    const { length } = rawText;
    // An ASCII line's byte offsets are already UTF-16 offsets.
    const ascii = message.asciiLines === true;
    const found =
      submatches.length === 0
        ? [{ start: length, end: length }] // an empty match at the end, as in handleMessage
        : ascii
          ? submatches
          : toUnitRanges(submatches, (offsets) => rawOffsetsToUnits(bytes, rawText, offsets));
    const ranges = keptRanges(length, found);
    if (ranges.length === 0) return;
    const text = bytes.toString(ascii ? 'latin1' : 'utf8', rawText.start, rawText.end);
    options.onResult(file, encodePlainMatch(fileJson, lineNumber, text, ranges));
  }

  function onContext(lineNumber: number, line: string): void {
    if (
      pending &&
      pending.after.length < contextLines &&
      lineNumber === pending.lineNumber + pending.after.length + 1
    ) {
      pending.after.push(line);
    }
    recentContext.push({ lineNumber, line });
    if (recentContext.length > contextLines) recentContext.shift();
  }

  function onMatch(lineNumber: number, line: string, ranges: Range[]): void {
    flushPending();
    const before: string[] = [];
    // Only the unbroken run of lines right above this one.
    for (let i = recentContext.length - 1, expected = lineNumber - 1; i >= 0; i--, expected--) {
      const entry = recentContext[i]!;
      if (entry.lineNumber !== expected) break;
      before.unshift(entry.line);
    }
    recentContext = [];
    pending = { lineNumber, line, ranges, before, after: [] };
  }

  function handleMessage(message: RgMessage): void {
    const { data } = message;
    switch (message.type) {
      case 'begin':
        file = toRelativePath(data.path);
        fileJson = JSON.stringify(file);
        pending = null;
        recentContext = [];
        break;
      case 'match':
      case 'context': {
        if (!data.lines || typeof data.line_number !== 'number') return;
        const full = decodeData(data.lines);
        const line = stripLineTerminator(full);
        if (message.type === 'context') {
          onContext(data.line_number, line);
          return;
        }
        const submatches = data.submatches ?? [];
        if (submatches.length === 0) {
          // rg leaves out an empty match at the end of a last line without terminator (`$`).
          onMatch(data.line_number, line, [{ start: line.length, end: line.length }]);
          return;
        }
        // An ASCII line (most code) has byte offsets that are already UTF-16 offsets.
        if (message.asciiLines ?? full.length === Buffer.byteLength(full)) {
          onMatch(data.line_number, line, submatches); // buildResult copies what it keeps
          return;
        }
        const ranges = toUnitRanges(submatches, (offsets) => byteOffsetsToUnits(full, offsets));
        onMatch(data.line_number, line, ranges);
        break;
      }
      case 'end':
        flushPending();
        recentContext = [];
        break;
      case 'summary':
        sawSummary = true;
        break;
    }
  }

  /** Handles the JSON line `bytes[start..end)`. */
  function handleLine(bytes: Buffer, start = 0, end = bytes.length): void {
    if (end === start) return;
    // A file's `end` carries only statistics: no need to parse it (a third of the lines of a
    // search with many results).
    if (hasPrefix(bytes, start, end, END_PREFIX)) {
      handleMessage({ type: 'end', data: {} });
      return;
    }
    // Most lines are matches (or context): read without building the whole object.
    const matchLine = readMatchLine(bytes, start, end, plainUpTo);
    if (matchLine?.rawText) {
      onPlainMatch(bytes, matchLine.rawText, matchLine);
      return;
    }
    if (matchLine) {
      handleMessage(matchLine);
      return;
    }
    let message: RgMessage;
    try {
      message = JSON.parse(bytes.toString('utf8', start, end)) as RgMessage;
    } catch {
      options.onSkippedLine?.(
        `not JSON: ${bytes.toString('utf8', start, Math.min(end, start + 200))}`,
      );
      return;
    }
    if (typeof message === 'object' && message !== null && typeof message.data === 'object') {
      handleMessage(message);
    }
  }

  return {
    push(chunk) {
      let start = 0;
      for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
        const lineStart = start;
        start = newline + 1;
        if (skippingLongLine) {
          skippingLongLine = false;
          continue;
        }
        if (partial.length === 0) {
          handleLine(chunk, lineStart, newline);
        } else {
          partial.push(chunk.subarray(lineStart, newline));
          handleLine(Buffer.concat(partial));
          partial = [];
          partialBytes = 0;
        }
      }
      if (start < chunk.length && !skippingLongLine) {
        partial.push(chunk.subarray(start));
        partialBytes += chunk.length - start;
        if (partialBytes > maxLineBytes) {
          options.onSkippedLine?.(`a line of output over ${maxLineBytes} bytes`);
          partial = [];
          partialBytes = 0;
          skippingLongLine = true;
        }
      }
    },
    end() {
      if (partial.length > 0 && !skippingLongLine) handleLine(Buffer.concat(partial));
      partial = [];
      flushPending();
    },
    get sawSummary() {
      return sawSummary;
    },
  };
}

/** Ranges in bytes to ranges in UTF-16 units, given a converter of ascending byte offsets. */
function toUnitRanges(
  ranges: readonly Range[],
  toUnits: (ascendingOffsets: number[]) => number[],
): Range[] {
  const offsets = [...new Set(ranges.flatMap((m) => [m.start, m.end]))].sort((a, b) => a - b);
  const units = toUnits(offsets);
  const unitOf = new Map(offsets.map((offset, index) => [offset, units[index]!]));
  return ranges.map((m) => ({ start: unitOf.get(m.start)!, end: unitOf.get(m.end)! }));
}

function hasPrefix(bytes: Buffer, start: number, end: number, prefix: Buffer): boolean {
  if (end - start <= prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) {
    if (bytes[start + i] !== prefix[i]) return false;
  }
  return true;
}

function decodeData(data: RgData): string {
  if (typeof data.text === 'string') return data.text;
  return decodeBytes(Buffer.from(data.bytes ?? '', 'base64'));
}

/** rg prints paths as given (`./src/a.ts`, `.\src\a.ts` on Windows); we send `src/a.ts`. */
export function toRelativePath(path: RgData | undefined): string {
  const raw = path ? displayText(decodeData(path)) : '';
  const slashed = process.platform === 'win32' ? raw.replace(/\\/g, '/') : raw;
  return slashed.replace(/^(\.\/)+/, '');
}
