/**
 * Searches the bytes of one file the way ripgrep does, for the built-in engine: line by line
 * (`\n` ends a line, a `\r` before it is dropped), every non-overlapping match in a line, an
 * empty match right where the previous one ended skipped. Three ways, fastest first:
 *
 * - a plain case-sensitive text: `Buffer.indexOf` on the bytes, nothing decoded but the lines
 *   that match;
 * - a query holding a required text (`needle` in `\w+needle\d+`, `foo` or `bar` in `foo|bar`):
 *   a byte search for it finds candidate lines, and the RegExp runs on those lines only;
 * - anything else: the RegExp over the whole decoded file finds candidate lines, then runs on
 *   each candidate line alone for the exact matches.
 */

import type { SearchMatch } from '../../protocol/index.js';
import {
  byteSource,
  type Hit,
  type LineSource,
  lineAround,
  lineCounter,
  textSource,
  toResults,
} from './line-source.js';
import {
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

/** Finds the next byte offset, at or after `from`, where a match could be; -1 for none. */
type CandidateFinder = (bytes: Buffer, from: number) => number;

/**
 * The part of a file to search, or null for a binary file (a NUL byte in the first 64 KiB).
 * A NUL byte further on ends the search at the line holding it, as ripgrep stops there too
 * (ripgrep at the 64 KiB block it read, so a few lines may differ).
 */
export function searchableBytes(bytes: Buffer): Buffer | null {
  const nul = bytes.indexOf(0);
  if (nul === -1) return bytes;
  if (nul < BINARY_SNIFF_BYTES) return null;
  return bytes.subarray(0, bytes.lastIndexOf(10, nul) + 1);
}

export function createFileSearcher(plan: QueryPlan, contextLines: number): FileSearcher {
  const needle = plan.literal === null ? null : Buffer.from(plan.literal, 'utf8');
  const exact = new RegExp(plan.source, `${plan.flags}g`);
  const byteSafeExact = new RegExp(plan.byteSafeSource, `${plan.flags}g`);
  const exactFor = (invalid: boolean) => (invalid ? byteSafeExact : exact);
  const findCandidate = plan.prefilter ? candidateFinder(plan.prefilter) : null;
  const candidates = new RegExp(plan.source, `${plan.flags}gm`);
  const byteSafeCandidates = new RegExp(plan.byteSafeSource, `${plan.flags}gm`);

  return {
    search(file, bytes, limit) {
      if (needle || findCandidate) {
        const source = byteSource(bytes);
        const hits = needle
          ? findLiteral(bytes, needle, source, limit)
          : findByCandidates(bytes, findCandidate!, exactFor, source, limit);
        return toResults(file, source, hits, contextLines);
      }
      const { text, invalid } = decodeBytesReporting(bytes);
      const source = textSource(text, invalid);
      const hits = findRegex(
        text,
        invalid ? byteSafeCandidates : candidates,
        exactFor(invalid),
        source,
        limit,
      );
      return toResults(file, source, hits, contextLines);
    },
  };
}

/**
 * A byte search for the required texts: `Buffer.indexOf` for one case-sensitive text, else a
 * regex over the bytes read as latin-1 (one character per byte). Case-insensitive texts are
 * ASCII; `k` and `s` then also match the Kelvin sign and the long s, whose simple case folding
 * is ASCII.
 */
function candidateFinder(prefilter: {
  texts: string[];
  caseInsensitive: boolean;
}): CandidateFinder {
  const { texts, caseInsensitive } = prefilter;
  if (texts.length === 1 && !caseInsensitive) {
    const bytes = Buffer.from(texts[0]!, 'utf8');
    return (haystack, from) => haystack.indexOf(bytes, from);
  }
  const asLatin1 = (text: string) =>
    [...Buffer.from(text, 'utf8').toString('latin1')]
      .map((char) => {
        const lower = char.toLowerCase();
        if (caseInsensitive && lower === 'k') return '(?:k|\u00e2\u0084\u00aa)';
        if (caseInsensitive && lower === 's') return '(?:s|\u00c5\u00bf)';
        return char.replace(/[\\^$.*+?()[\]{}|/]/, '\\$&');
      })
      .join('');
  const regex = new RegExp(texts.map(asLatin1).join('|'), caseInsensitive ? 'gi' : 'g');
  let latin1Of: Buffer | null = null;
  let latin1 = '';
  return (haystack, from) => {
    if (latin1Of !== haystack) {
      latin1Of = haystack;
      latin1 = haystack.toString('latin1');
    }
    regex.lastIndex = from;
    return regex.exec(latin1)?.index ?? -1;
  };
}

function findLiteral(bytes: Buffer, needle: Buffer, source: LineSource, limit: number): Hit[] {
  const hits: Hit[] = [];
  const lineNumberAt = lineCounter(source);
  for (let at = bytes.indexOf(needle); at !== -1 && hits.length < limit; ) {
    const [start, end] = lineAround(source, at);
    const contentEnd = end > start && bytes[end - 1] === 13 ? end - 1 : end;
    const byteRanges: number[] = [];
    // Non-overlapping occurrences within this line (the needle holds no line break). A unit
    // takes at most 3 bytes, so past 3 × MAX_LINE_TEXT bytes no window can reach.
    for (let next = at; next !== -1 && next + needle.length <= contentEnd; ) {
      byteRanges.push(next - start, next - start + needle.length);
      if (next - at > MAX_LINE_TEXT * 3) break;
      next = bytes.indexOf(needle, next + needle.length);
    }
    const { text } = source.line(start, end);
    const units = byteOffsetsToUnits(text, byteRanges);
    const ranges: Range[] = [];
    for (let i = 0; i < units.length; i += 2) ranges.push({ start: units[i]!, end: units[i + 1]! });
    hits.push({ lineNumber: lineNumberAt(start), start, end, text, ranges });
    if (end >= bytes.length) break;
    at = bytes.indexOf(needle, end + 1);
  }
  return hits;
}

function findByCandidates(
  bytes: Buffer,
  findCandidate: CandidateFinder,
  exactFor: (invalid: boolean) => RegExp,
  source: LineSource,
  limit: number,
): Hit[] {
  const hits: Hit[] = [];
  const lineNumberAt = lineCounter(source);
  for (let at = findCandidate(bytes, 0); at !== -1 && hits.length < limit; ) {
    const [start, end] = lineAround(source, at);
    const { text, invalid } = source.line(start, end);
    const ranges = matchesInLine(text, exactFor(invalid), end < bytes.length);
    if (ranges.length > 0) hits.push({ lineNumber: lineNumberAt(start), start, end, text, ranges });
    if (end >= bytes.length) break;
    at = findCandidate(bytes, end + 1);
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
    const line = source.line(start, end).text;
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
    if (start > ranges[0]!.start + MAX_LINE_TEXT || start >= line.length) break;
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
