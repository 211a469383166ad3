/**
 * Searches the bytes of one file the way ripgrep does, for the built-in engine: line by line
 * (`\n` ends a line, a `\r` before it is dropped), every non-overlapping match in a line, an
 * empty match right where the previous one ended skipped. A plain case-sensitive text is found
 * with `Buffer.indexOf` on the bytes; anything else with a RegExp, first over the whole text to
 * find candidate lines fast, then on each candidate line alone for the exact matches.
 */

import type { SearchMatch } from '../../protocol.js';
import {
  buildResult,
  byteOffsetsToUnits,
  decodeBytesReporting,
  MAX_LINE_TEXT,
  type Range,
} from './line-text.js';
import type { QueryPlan } from './query-plan.js';

/** rg's binary test: a NUL byte in the first buffer it reads skips the file. */
export const BINARY_SNIFF_BYTES = 64 * 1024;

export interface FileSearcher {
  /** The results in `bytes`, at most `limit` of them. */
  search(file: string, bytes: Buffer, limit: number): SearchMatch[];
}

/** A matching line: where it is, its text (no terminator) and the ranges in that text. */
interface Hit {
  lineNumber: number;
  start: number;
  end: number;
  text: string;
  ranges: Range[];
}

/** Reads the lines of one file, in whatever unit its offsets count (bytes or UTF-16). */
interface LineSource {
  length: number;
  /** Offset of the `\n` at or after `from`, or -1. */
  nextNewline(from: number): number;
  /** Offset of the `\n` at or before `from`, or -1. */
  previousNewline(from: number): number;
  /** The text of [start, end), a trailing `\r` dropped. */
  lineText(start: number, end: number): string;
}

export function isBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0);
}

export function createFileSearcher(plan: QueryPlan, contextLines: number): FileSearcher {
  const needle = plan.literal === null ? null : Buffer.from(plan.literal, 'utf8');
  const candidates = new RegExp(plan.source, `${plan.flags}gm`);
  const exact = new RegExp(plan.source, `${plan.flags}g`);
  const byteSafeCandidates = new RegExp(plan.byteSafeSource, `${plan.flags}gm`);
  const byteSafeExact = new RegExp(plan.byteSafeSource, `${plan.flags}g`);

  return {
    search(file, bytes, limit) {
      if (needle) {
        const source = byteSource(bytes);
        return toResults(file, source, findLiteral(bytes, needle, source, limit), contextLines);
      }
      const { text, invalid } = decodeBytesReporting(bytes);
      const source = textSource(text);
      const hits = invalid
        ? findRegex(text, byteSafeCandidates, byteSafeExact, source, limit)
        : findRegex(text, candidates, exact, source, limit);
      return toResults(file, source, hits, contextLines);
    },
  };
}

function byteSource(bytes: Buffer): LineSource {
  return {
    length: bytes.length,
    nextNewline: (from) => bytes.indexOf(10, from),
    previousNewline: (from) => (from < 0 ? -1 : bytes.lastIndexOf(10, from)),
    lineText(start, end) {
      const stop = end > start && bytes[end - 1] === 13 ? end - 1 : end;
      return decodeBytesReporting(bytes.subarray(start, stop)).text;
    },
  };
}

function textSource(text: string): LineSource {
  return {
    length: text.length,
    nextNewline: (from) => text.indexOf('\n', from),
    previousNewline: (from) => (from < 0 ? -1 : text.lastIndexOf('\n', from)),
    lineText(start, end) {
      const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
      return text.slice(start, stop);
    },
  };
}

/** Counts line numbers forward through a file, never scanning a stretch twice. */
function lineCounter(source: LineSource): (offset: number) => number {
  let counted = 0;
  let line = 1;
  return (offset) => {
    for (
      let nl = source.nextNewline(counted);
      nl !== -1 && nl < offset;
      nl = source.nextNewline(nl + 1)
    ) {
      line++;
      counted = nl + 1;
    }
    if (counted < offset) counted = offset; // no newline in between
    return line;
  };
}

/** The line around `offset`: [start, end) without its `\n`. */
function lineAround(source: LineSource, offset: number): [number, number] {
  const start = source.previousNewline(offset - 1) + 1;
  const newline = source.nextNewline(offset);
  return [start, newline === -1 ? source.length : newline];
}

function findLiteral(bytes: Buffer, needle: Buffer, source: LineSource, limit: number): Hit[] {
  const hits: Hit[] = [];
  const lineNumberAt = lineCounter(source);
  for (let at = bytes.indexOf(needle); at !== -1 && hits.length < limit; ) {
    const [start, end] = lineAround(source, at);
    const contentEnd = end > start && bytes[end - 1] === 13 ? end - 1 : end;
    const byteRanges: number[] = [];
    // Non-overlapping occurrences within this line (the needle holds no line break).
    for (let next = at; next !== -1 && next + needle.length <= contentEnd; ) {
      byteRanges.push(next - start, next - start + needle.length);
      if (next - start > MAX_LINE_TEXT * 4 + (byteRanges[0] ?? 0)) break; // past any window
      next = bytes.indexOf(needle, next + needle.length);
    }
    if (byteRanges.length > 0) {
      const text = source.lineText(start, end);
      const units = byteOffsetsToUnits(text, byteRanges);
      const ranges: Range[] = [];
      for (let i = 0; i < units.length; i += 2)
        ranges.push({ start: units[i]!, end: units[i + 1]! });
      hits.push({ lineNumber: lineNumberAt(start), start, end, text, ranges });
    }
    if (end >= bytes.length) break;
    at = bytes.indexOf(needle, end + 1);
  }
  return hits;
}

function findRegex(
  text: string,
  candidates: RegExp,
  exact: RegExp,
  source: LineSource,
  limit: number,
): Hit[] {
  const hits: Hit[] = [];
  const lineNumberAt = lineCounter(source);
  candidates.lastIndex = 0;
  for (let found = candidates.exec(text); found && hits.length < limit; ) {
    const [start, end] = lineAround(source, found.index);
    if (start >= text.length) break; // after a final newline there is no line
    const line = source.lineText(start, end);
    const ranges = matchesInLine(line, exact, end < text.length);
    if (ranges.length > 0)
      hits.push({ lineNumber: lineNumberAt(start), start, end, text: line, ranges });
    // Go on from the next line, so a candidate spanning lines cannot hide one.
    if (end >= text.length) break;
    candidates.lastIndex = end + 1;
    found = candidates.exec(text);
  }
  return hits;
}

/**
 * Every match in one line, as ripgrep reports them; stops past any text window. ripgrep leaves
 * out an empty match at the very end of a last line that has no terminator, unless it is the
 * line's only match.
 */
function matchesInLine(line: string, exact: RegExp, terminated: boolean): Range[] {
  const ranges: Range[] = [];
  let previousEnd = -1;
  exact.lastIndex = 0;
  for (let match = exact.exec(line); match; match = exact.exec(line)) {
    const start = match.index;
    const end = start + match[0].length;
    if (start === end) {
      exact.lastIndex = advance(line, end);
      if (start === previousEnd) continue; // rg skips an empty match where the last one ended
    }
    ranges.push({ start, end });
    previousEnd = end;
    if (start > (ranges[0]?.start ?? 0) + MAX_LINE_TEXT) break;
    if (start >= line.length) break;
  }
  const last = ranges.at(-1);
  if (
    !terminated &&
    ranges.length > 1 &&
    last!.start === line.length &&
    last!.end === last!.start
  ) {
    ranges.pop();
  }
  return ranges;
}

/** The next code point's offset (a `u` regex never stops inside a surrogate pair). */
function advance(text: string, index: number): number {
  const code = text.charCodeAt(index);
  const isPair =
    code >= 0xd800 && code <= 0xdbff && (text.charCodeAt(index + 1) & 0xfc00) === 0xdc00;
  return index + (isPair ? 2 : 1);
}

/** Turns hits into results, with their context lines (rg's rules: never a matching line). */
function toResults(
  file: string,
  source: LineSource,
  hits: Hit[],
  contextLines: number,
): SearchMatch[] {
  const results: SearchMatch[] = [];
  hits.forEach((hit, index) => {
    let context: { before: string[]; after: string[] } | undefined;
    if (contextLines > 0) {
      const previous = hits[index - 1];
      const next = hits[index + 1];
      const before: string[] = [];
      for (
        let end = hit.start - 1, line = hit.lineNumber - 1;
        end >= 0 && before.length < contextLines;
        line--
      ) {
        if (previous && line <= previous.lineNumber) break;
        const start = source.previousNewline(end - 1) + 1;
        before.unshift(source.lineText(start, end));
        end = start - 1;
      }
      const after: string[] = [];
      for (
        let start = hit.end + 1, line = hit.lineNumber + 1;
        start <= source.length && after.length < contextLines;
        line++
      ) {
        if (next && line >= next.lineNumber) break;
        if (start === source.length) break; // the file ended with a newline: no line after it
        const newline = source.nextNewline(start);
        const end = newline === -1 ? source.length : newline;
        after.push(source.lineText(start, end));
        start = end + 1;
      }
      context = { before, after };
    }
    const result = buildResult(file, hit.lineNumber, hit.text, hit.ranges, context);
    if (result) results.push(result);
  });
  return results;
}
