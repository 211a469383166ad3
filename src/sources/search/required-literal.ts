/**
 * The text every match of a regex must contain (`needle` in `\w+needle\d+`; one of `foo`,
 * `bar` in `foo|bar`), so the built-in engine can skip, with a fast byte search, the lines (and
 * files) that cannot match, and run the regex only on the few that might. ripgrep does the same
 * with its literal optimizations.
 */

import { type Token, tokenize } from './regex-dialect.js';

/** Shorter texts are too common to be worth a first pass. */
const MIN_LENGTH = 2;

/**
 * Texts of which every match holds at least one, or null when there are none worth using: one
 * text for most queries, one per branch for `foo|bar`. With `asciiOnly` (a case-insensitive
 * search), only ASCII characters count: their other cases are known bytes.
 */
export function requiredLiterals(source: string, asciiOnly: boolean): string[] | null {
  const tokens = tokenize(source);
  const branches = topLevelAlternation(tokens) ? splitBranches(tokens) : [tokens];
  const texts = new Set<string>();
  for (const branch of branches) {
    const best = longestIn(branch, asciiOnly);
    if (best.length < MIN_LENGTH) return null; // one branch without a text: anything may match
    texts.add(String.fromCodePoint(...best));
  }
  return [...texts];
}

function splitBranches(tokens: readonly Token[]): Token[][] {
  const branches: Token[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (token.kind === 'groupOpen') depth++;
    else if (token.kind === 'syntax' && token.text === ')') depth--;
    if (depth === 0 && token.kind === 'syntax' && token.text === '|') branches.push([]);
    else branches.at(-1)!.push(token);
  }
  return branches;
}

/** The longest run of characters that every match of `tokens` contains, in order. */
function longestIn(tokens: readonly Token[], asciiOnly: boolean): number[] {
  if (topLevelAlternation(tokens)) return [];
  let best: number[] = [];
  let run: number[] = [];
  const endRun = () => {
    if (run.length > best.length) best = run;
    run = [];
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === 'groupOpen') {
      const close = matchingClose(tokens, i);
      endRun();
      if (isRequired(tokens[close + 1])) {
        const inner = longestIn(tokens.slice(i + 1, close), asciiOnly);
        if (inner.length > best.length) best = inner;
      }
      i = close;
      continue;
    }
    const next = tokens[i + 1];
    if (token.kind === 'literal' && !(asciiOnly && token.codePoint > 0x7f) && !isQuantifier(next)) {
      run.push(token.codePoint);
    } else if (token.kind === 'literal' && isQuantifier(next) && isRequired(next)) {
      run.push(token.codePoint); // `a+`: one `a` at least, then the run cannot go on
      endRun();
    } else {
      endRun();
    }
  }
  endRun();
  return best;
}

function isQuantifier(token: Token | undefined): boolean {
  return token?.kind === 'syntax' && /^[*+?{]/.test(token.text);
}

/** Whether what a quantifier (or its absence) applies to must appear at least once. */
function isRequired(next: Token | undefined): boolean {
  if (!isQuantifier(next)) return true;
  const text = (next as { text: string }).text;
  return text === '+' || /^\{[1-9]/.test(text);
}

function topLevelAlternation(tokens: readonly Token[]): boolean {
  let depth = 0;
  for (const token of tokens) {
    if (token.kind === 'groupOpen') depth++;
    else if (token.kind === 'syntax' && token.text === ')') depth--;
    else if (depth === 0 && token.kind === 'syntax' && token.text === '|') return true;
  }
  return false;
}

function matchingClose(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === 'groupOpen') depth++;
    else if (token.kind === 'syntax' && token.text === ')' && --depth === 0) return i;
  }
  return tokens.length - 1;
}
