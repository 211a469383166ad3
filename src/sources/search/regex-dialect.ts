/**
 * The search regex dialect: JavaScript's (`new RegExp(query, 'u')`), without lookaround and
 * backreferences, which ripgrep's engine cannot run. A query is validated here, then written
 * out twice: for ripgrep (Rust `regex` syntax with JavaScript's meaning kept: ASCII `\w` `\d`
 * `\b`, `.` stopping at line terminators) and for the built-in engine (JavaScript, with a variant
 * that never matches the stand-ins of invalid UTF-8 bytes, which ripgrep never matches either).
 */

/** Invalid UTF-8 bytes 0x80–0xFF decode to U+DC80–U+DCFF (see line-text.ts). */
export const INVALID_BYTE_RANGE = '\\uDC80-\\uDCFF';

/** A query the dialect refuses, with the reason to show the user. */
export class RegexDialectError extends Error {
  override name = 'RegexDialectError';
}

export type Token =
  | { kind: 'literal'; codePoint: number }
  | { kind: 'dot' }
  | { kind: 'escape'; letter: 'd' | 'D' | 'w' | 'W' | 's' | 'S' }
  | { kind: 'boundary'; negated: boolean }
  | { kind: 'property'; negated: boolean; name: string }
  | { kind: 'class'; negated: boolean; items: ClassItem[]; source: string }
  | { kind: 'groupOpen'; source: string }
  | { kind: 'syntax'; text: string };

type ClassItem =
  | { kind: 'char'; codePoint: number }
  | { kind: 'range'; from: number; to: number }
  | { kind: 'escape'; letter: 'd' | 'D' | 'w' | 'W' | 's' | 'S' }
  | { kind: 'property'; negated: boolean; name: string };

/** JavaScript's `\s`, written out so ripgrep matches exactly the same characters. */
const JS_WHITESPACE = [
  [0x09, 0x0d],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
] as const;

const CONTROL_ESCAPES: Readonly<Record<string, number>> = { t: 9, n: 10, v: 11, f: 12, r: 13 };
const LINE_BREAKS = new Set([0x0a, 0x0d]);

/**
 * Checks a regex query; returns nothing when it is fine, throws RegexDialectError (or the
 * SyntaxError of `new RegExp`) otherwise.
 */
export function validateRegex(query: string): void {
  new RegExp(query, 'u'); // syntax errors, in JavaScript's words
  tokenize(query);
}

/** The query for `rg -e` (Rust regex syntax). */
export function toRipgrepRegex(query: string): string {
  return tokenize(query).map(ripgrepToken).join('');
}

/**
 * The query as a JavaScript pattern (flag `u`) that cannot match the stand-ins of invalid UTF-8
 * bytes, for files that hold some. Files of valid UTF-8 use the query as it is.
 */
export function toByteSafeRegex(query: string): string {
  return tokenize(query).map(byteSafeToken).join('');
}

/** A literal query as a regex that matches exactly that text. */
export function escapeRegex(literal: string): string {
  return literal.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/** The query's tokens; the query must be valid JavaScript (`u` flag). */
export function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const codePointAt = (index: number) => pattern.codePointAt(index)!;
  while (i < pattern.length) {
    const char = pattern[i]!;
    if (char === '\\') {
      const [token, next] = readEscape(pattern, i, false);
      tokens.push(token as Token);
      i = next;
    } else if (char === '[') {
      const [token, next] = readClass(pattern, i);
      tokens.push(token);
      i = next;
    } else if (char === '(') {
      const [token, next] = readGroupOpen(pattern, i);
      tokens.push(token);
      i = next;
    } else if (char === '.') {
      tokens.push({ kind: 'dot' });
      i++;
    } else if (char === '{') {
      // Only a quantifier can open a brace in `u` mode.
      const end = pattern.indexOf('}', i);
      tokens.push({ kind: 'syntax', text: pattern.slice(i, end + 1) });
      i = end + 1;
    } else if ('^$|)*+?'.includes(char)) {
      tokens.push({ kind: 'syntax', text: char });
      i++;
    } else {
      const codePoint = codePointAt(i);
      tokens.push(literal(codePoint));
      i += codePoint > 0xffff ? 2 : 1;
    }
  }
  return tokens;
}

/** A character of the query; a line break may only appear inside a class (`[^\n]`). */
function literal(codePoint: number, inClass = false): Token {
  if (LINE_BREAKS.has(codePoint) && !inClass) {
    throw new RegexDialectError('search goes line by line: the query cannot match a line break');
  }
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) {
    throw new RegexDialectError('a lone surrogate (\\uD800–\\uDFFF) cannot be searched for');
  }
  return { kind: 'literal', codePoint };
}

function readGroupOpen(pattern: string, start: number): [Token, number] {
  const rest = pattern.slice(start, start + 4);
  if (rest.startsWith('(?=') || rest.startsWith('(?!') || /^\(\?<[=!]/.test(rest)) {
    throw new RegexDialectError(
      'lookahead and lookbehind are not supported (ripgrep cannot run them)',
    );
  }
  if (rest.startsWith('(?:')) return [{ kind: 'groupOpen', source: '(?:' }, start + 3];
  if (rest.startsWith('(?<')) {
    // A named group: only the grouping matters to a search.
    const end = pattern.indexOf('>', start);
    return [{ kind: 'groupOpen', source: '(' }, end + 1];
  }
  return [{ kind: 'groupOpen', source: '(' }, start + 1];
}

/** Reads `\…` at `start`; inside a class `\b` is a backspace and `\-` a dash. */
function readEscape(pattern: string, start: number, inClass: boolean): [Token | ClassItem, number] {
  const letter = pattern[start + 1]!;
  if ('dDwWsS'.includes(letter)) {
    return [{ kind: 'escape', letter: letter as 'd' }, start + 2];
  }
  if (letter === 'b' || letter === 'B') {
    if (inClass) return [{ kind: 'char', codePoint: 8 }, start + 2];
    return [{ kind: 'boundary', negated: letter === 'B' }, start + 2];
  }
  if (letter === 'p' || letter === 'P') {
    const end = pattern.indexOf('}', start);
    const name = pattern.slice(start + 3, end);
    return [{ kind: 'property', negated: letter === 'P', name }, end + 1];
  }
  if (letter === 'k' || (letter >= '1' && letter <= '9')) {
    throw new RegexDialectError('backreferences are not supported (ripgrep cannot run them)');
  }
  const [codePoint, next] = readCharacterEscape(pattern, start);
  literal(codePoint, inClass);
  return [inClass ? { kind: 'char', codePoint } : { kind: 'literal', codePoint }, next];
}

/** An escape that stands for one character: `\n`, `\x41`, `\u{1F600}`, `\cJ`, `\0`, `\.`… */
function readCharacterEscape(pattern: string, start: number): [number, number] {
  const letter = pattern[start + 1]!;
  if (letter in CONTROL_ESCAPES) return [CONTROL_ESCAPES[letter]!, start + 2];
  if (letter === '0') return [0, start + 2];
  if (letter === 'c') return [pattern.charCodeAt(start + 2) % 32, start + 3];
  if (letter === 'x') return [Number.parseInt(pattern.slice(start + 2, start + 4), 16), start + 4];
  if (letter === 'u') {
    if (pattern[start + 2] === '{') {
      const end = pattern.indexOf('}', start);
      return [Number.parseInt(pattern.slice(start + 3, end), 16), end + 1];
    }
    const unit = Number.parseInt(pattern.slice(start + 2, start + 6), 16);
    // `\uD83D\uDE00` is one code point in `u` mode.
    const low = /^\\u([dD][c-fC-F][0-9a-fA-F]{2})/.exec(pattern.slice(start + 6));
    if (unit >= 0xd800 && unit <= 0xdbff && low) {
      const lowUnit = Number.parseInt(low[1]!, 16);
      return [0x10000 + ((unit - 0xd800) << 10) + (lowUnit - 0xdc00), start + 12];
    }
    return [unit, start + 6];
  }
  return [pattern.codePointAt(start + 1)!, start + 2]; // an escaped syntax character
}

function readClass(pattern: string, start: number): [Token, number] {
  let i = start + 1;
  const negated = pattern[i] === '^';
  if (negated) i++;
  const items: ClassItem[] = [];
  const readAtom = (): ClassItem => {
    if (pattern[i] === '\\') {
      const [item, next] = readEscape(pattern, i, true);
      i = next;
      return item as ClassItem;
    }
    const codePoint = pattern.codePointAt(i)!;
    i += codePoint > 0xffff ? 2 : 1;
    literal(codePoint, true);
    return { kind: 'char', codePoint };
  };
  while (pattern[i] !== ']') {
    const first = readAtom();
    if (first.kind === 'char' && pattern[i] === '-' && pattern[i + 1] !== ']') {
      i++;
      const last = readAtom() as { codePoint: number };
      items.push({ kind: 'range', from: first.codePoint, to: last.codePoint });
    } else {
      items.push(first);
    }
  }
  if (items.length === 0 && !negated) {
    throw new RegexDialectError('an empty class [] never matches');
  }
  return [{ kind: 'class', negated, items, source: pattern.slice(start, i + 1) }, i + 1];
}

// ---------------------------------------------------------------------------------------------
// ripgrep (Rust regex syntax)

const RUST_META = new Set('\\.+*?()|[]{}^$#&-~');
const RUST_CLASS_ESCAPE: Readonly<Record<string, string>> = {
  d: '0-9',
  w: '0-9A-Za-z_',
  s: JS_WHITESPACE.map(([from, to]) => rustRange(from, to)).join(''),
};

function rustChar(codePoint: number): string {
  const char = String.fromCodePoint(codePoint);
  if (RUST_META.has(char)) return `\\${char}`;
  if (codePoint < 0x20 || codePoint === 0x7f || codePoint > 0x7e) {
    return `\\x{${codePoint.toString(16).toUpperCase()}}`;
  }
  return char;
}

function rustRange(from: number, to: number): string {
  return from === to ? rustChar(from) : `${rustChar(from)}-${rustChar(to)}`;
}

function rustClassItem(item: ClassItem): string {
  switch (item.kind) {
    case 'char':
      return rustChar(item.codePoint);
    case 'range':
      return rustRange(item.from, item.to);
    case 'escape': {
      const set = RUST_CLASS_ESCAPE[item.letter.toLowerCase()]!;
      return item.letter === item.letter.toLowerCase() ? set : `[^${set}]`;
    }
    case 'property':
      return `\\${item.negated ? 'P' : 'p'}{${item.name}}`;
  }
}

function ripgrepToken(token: Token): string {
  switch (token.kind) {
    case 'literal':
      return rustChar(token.codePoint);
    case 'dot':
      return '[^\\n\\r\\x{2028}\\x{2029}]';
    case 'escape':
      return `[${rustClassItem(token)}]`;
    case 'boundary':
      return token.negated ? '(?-u:\\B)' : '(?-u:\\b)';
    case 'property':
      return rustClassItem(token);
    case 'class':
      if (token.negated && token.items.length === 0) return '[\\x{0}-\\x{10FFFF}]'; // [^]
      return `[${token.negated ? '^' : ''}${token.items.map(rustClassItem).join('')}]`;
    case 'groupOpen':
      return token.source;
    case 'syntax':
      return token.text;
  }
}

// ---------------------------------------------------------------------------------------------
// JavaScript, never matching an invalid byte

const NOT_INVALID_BYTE = `(?![${INVALID_BYTE_RANGE}])`;

function byteSafeToken(token: Token): string {
  switch (token.kind) {
    case 'literal':
      return escapeRegex(String.fromCodePoint(token.codePoint));
    case 'dot':
      return `[^\\n\\r\\u2028\\u2029${INVALID_BYTE_RANGE}]`;
    case 'escape':
      return token.letter === token.letter.toLowerCase()
        ? `\\${token.letter}`
        : `[^\\${token.letter.toLowerCase()}${INVALID_BYTE_RANGE}]`;
    case 'boundary':
      return token.negated ? '\\B' : '\\b';
    case 'property':
      return token.negated ? `[^\\p{${token.name}}${INVALID_BYTE_RANGE}]` : `\\p{${token.name}}`;
    case 'class':
      if (token.negated) return `[^${token.source.slice(2, -1)}${INVALID_BYTE_RANGE}]`;
      // A positive class can still reach the stand-ins (`[\D]`, `[\0-\u{10FFFF}]`).
      return `${NOT_INVALID_BYTE}${token.source}`;
    case 'groupOpen':
      return token.source === '(' ? '(?:' : token.source;
    case 'syntax':
      return token.text;
  }
}
