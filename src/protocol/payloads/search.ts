/** The `search` channel: a search's progress, its results in batches, and how it ended. */

export interface SearchMatch {
  file: string;
  /** 1-based. */
  line: number;
  /** 0-based, in characters (UTF-16 code units) from the start of the line. */
  column: number;
  /** The matching line, or a window of it when the line is very long (see `textStart`). */
  text: string;
  /** Ranges within `text`: `text.slice(start, end)` is what matched. */
  matches: { start: number; end: number }[];
  /** Present when `text` is a window of a long line: where the window starts in the line. */
  textStart?: number;
  /** With `contextLines`: the lines just before and after (nearest last / first). */
  before?: string[];
  after?: string[];
}
export type SearchEngineName = 'ripgrep' | 'builtin';
export interface SearchProgressData {
  searchId: string;
  query: string;
  engine?: SearchEngineName;
  /** Results (matching lines) so far. */
  count?: number;
  [extra: string]: unknown;
}
export interface SearchResultsData {
  searchId: string;
  query?: string;
  results: SearchMatch[];
}
export interface SearchDoneData {
  searchId: string;
  query?: string;
  count: number;
  filesSearched: number;
  durationMs: number;
  truncated: boolean;
  cancelled: boolean;
  engine?: SearchEngineName;
  /** Why the search stopped early, when the engine failed. */
  error?: string;
}
