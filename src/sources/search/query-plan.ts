/**
 * One checked query, written out for each engine so both find the same matches: the ripgrep
 * pattern and flags, and the JavaScript patterns the built-in worker compiles.
 */

import { escapeRegex, toByteSafeRegex, toRipgrepRegex } from './regex-dialect.js';
import { requiredLiterals } from './required-literal.js';
import type { SearchStartParams } from './search-params.js';

export interface QueryPlan {
  ripgrep: { pattern: string; fixedStrings: boolean; caseInsensitive: boolean };
  /** The text for a byte search (`Buffer.indexOf`), when the query allows it; else null. */
  literal: string | null;
  /** Texts of which every match holds one, to find candidate lines before running the regex. */
  prefilter: { texts: string[]; caseInsensitive: boolean } | null;
  /** A JavaScript pattern (flag `u`) for text of valid UTF-8. */
  source: string;
  /** The same pattern, never matching the stand-ins of invalid bytes. */
  byteSafeSource: string;
  /** `u`, plus `i` when case does not matter. */
  flags: string;
}

const WORD_CHAR = /[A-Za-z0-9_]/;

export function planQuery(params: SearchStartParams): QueryPlan {
  const { query, regex, caseSensitive, wholeWord } = params;
  const flags = caseSensitive ? 'u' : 'iu';
  let source = regex ? query : escapeRegex(query);
  if (wholeWord) {
    if (regex) {
      source = `\\b(?:${source})\\b`;
    } else {
      // A side that is not a word character has no word boundary to respect (`-foo`, `foo()`).
      const before = WORD_CHAR.test(query[0]!) ? '\\b' : '';
      const after = WORD_CHAR.test(query.at(-1)!) ? '\\b' : '';
      source = `${before}${source}${after}`;
    }
  }
  const plainLiteral = !regex && !wholeWord;
  const literal = plainLiteral && caseSensitive ? query : null;
  const required = literal === null ? requiredLiterals(source, !caseSensitive) : null;
  return {
    ripgrep: {
      pattern: plainLiteral ? query : toRipgrepRegex(source),
      fixedStrings: plainLiteral,
      caseInsensitive: !caseSensitive,
    },
    literal,
    prefilter: required === null ? null : { texts: required, caseInsensitive: !caseSensitive },
    source,
    byteSafeSource: toByteSafeRegex(source),
    flags,
  };
}
