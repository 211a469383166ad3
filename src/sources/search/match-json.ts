/**
 * Results travel from an engine to the `results` event as JSON text, one per result: a batch
 * is joined, never encoded again, and a match that ripgrep found is written straight from rg's
 * already-escaped text, without ever being an object here.
 */

import { asJsonText, type JsonText, toJsonText } from '../../core/json-text.js';
import type { SearchMatch, SearchResultsData } from '../../protocol/index.js';
import type { Range } from './line-text.js';

export type EncodedMatch = JsonText<SearchMatch>;

export const encodeMatch = (match: SearchMatch): EncodedMatch => toJsonText(match);

/**
 * The result `buildResult` gives for a line of at most MAX_LINE_TEXT characters that rg sent as
 * text (valid UTF-8: nothing to show as U+FFFD), from its JSON-escaped text and its kept ranges
 * (at least one).
 */
export function encodePlainMatch(
  fileJson: string,
  lineNumber: number,
  escapedText: string,
  ranges: readonly Range[],
): EncodedMatch {
  let matches = '';
  for (const { start, end } of ranges) {
    matches += `${matches === '' ? '' : ','}{"start":${start},"end":${end}}`;
  }
  return asJsonText(
    `{"file":${fileJson},"line":${lineNumber},"column":${ranges[0]!.start},"text":"${escapedText}","matches":[${matches}]}`,
  );
}

/** A `results` event's data around encoded results. */
export function encodeResults(
  searchId: string,
  query: string,
  results: readonly EncodedMatch[],
): JsonText<SearchResultsData> {
  return asJsonText(
    `{"searchId":${JSON.stringify(searchId)},"query":${JSON.stringify(query)},"results":[${results.join(',')}]}`,
  );
}
