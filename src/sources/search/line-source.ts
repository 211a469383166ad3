/**
 * The lines of one file for the built-in engine, whether it is held as bytes or as decoded
 * text: finding line bounds and numbers, and turning matching lines into results with their
 * context lines (ripgrep's rules: up to N lines each side, never a matching line).
 */

import type { SearchMatch } from '../../protocol/index.js';
import { buildResult, decodeBytesReporting, type Range } from './line-text.js';

/** A matching line: where it is, its text (no terminator) and the ranges in that text. */
export interface Hit {
  lineNumber: number;
  /** Offsets of the line in the file (its `\n` at `end`, if any). */
  start: number;
  end: number;
  text: string;
  ranges: Range[];
}

export interface LineSource {
  length: number;
  /** Offset of the `\n` at or after `from`, or -1. */
  nextNewline(from: number): number;
  /** Offset of the `\n` at or before `from`, or -1. */
  previousNewline(from: number): number;
  /** The text of [start, end), a trailing `\r` dropped, and whether it held invalid bytes. */
  line(start: number, end: number): { text: string; invalid: boolean };
}

export function byteSource(bytes: Buffer): LineSource {
  return {
    length: bytes.length,
    nextNewline: (from) => bytes.indexOf(10, from),
    previousNewline: (from) => (from < 0 ? -1 : bytes.lastIndexOf(10, from)),
    line(start, end) {
      const stop = end > start && bytes[end - 1] === 13 ? end - 1 : end;
      return decodeBytesReporting(bytes.subarray(start, stop));
    },
  };
}

export function textSource(text: string, invalid: boolean): LineSource {
  return {
    length: text.length,
    nextNewline: (from) => text.indexOf('\n', from),
    previousNewline: (from) => (from < 0 ? -1 : text.lastIndexOf('\n', from)),
    line(start, end) {
      const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
      return { text: text.slice(start, stop), invalid };
    },
  };
}

/** Counts line numbers forward through a file, never scanning a stretch twice. */
export function lineCounter(source: LineSource): (offset: number) => number {
  let counted = 0;
  let line = 1;
  return (offset) => {
    for (
      let newline = source.nextNewline(counted);
      newline !== -1 && newline < offset;
      newline = source.nextNewline(newline + 1)
    ) {
      line++;
      counted = newline + 1;
    }
    if (counted < offset) counted = offset;
    return line;
  };
}

/** The line around `offset`: [start, end), without its `\n`. */
export function lineAround(source: LineSource, offset: number): [number, number] {
  const start = source.previousNewline(offset - 1) + 1;
  const newline = source.nextNewline(offset);
  return [start, newline === -1 ? source.length : newline];
}

/** Turns a file's hits (in line order) into results, with context lines when asked. */
export function toResults(
  file: string,
  source: LineSource,
  hits: readonly Hit[],
  contextLines: number,
): SearchMatch[] {
  const results: SearchMatch[] = [];
  hits.forEach((hit, index) => {
    const context =
      contextLines > 0
        ? contextOf(source, hit, hits[index - 1], hits[index + 1], contextLines)
        : undefined;
    const result = buildResult(file, hit.lineNumber, hit.text, hit.ranges, context);
    if (result) results.push(result);
  });
  return results;
}

function contextOf(
  source: LineSource,
  hit: Hit,
  previous: Hit | undefined,
  next: Hit | undefined,
  contextLines: number,
): { before: string[]; after: string[] } {
  const before: string[] = [];
  let end = hit.start - 1; // the `\n` ending the line above
  for (let line = hit.lineNumber - 1; end >= 0 && before.length < contextLines; line--) {
    if (previous && line <= previous.lineNumber) break;
    const start = source.previousNewline(end - 1) + 1;
    before.unshift(source.line(start, end).text);
    end = start - 1;
  }
  const after: string[] = [];
  let start = hit.end + 1; // just past this line's `\n`
  for (
    let line = hit.lineNumber + 1;
    start < source.length && after.length < contextLines;
    line++
  ) {
    if (next && line >= next.lineNumber) break;
    const newline = source.nextNewline(start);
    const stop = newline === -1 ? source.length : newline;
    after.push(source.line(start, stop).text);
    start = stop + 1;
  }
  return { before, after };
}
