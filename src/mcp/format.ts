/**
 * Output sized for a model's context: lines up to a character budget, then one plain sentence
 * saying what was left out and how to see it. Locations as `file:line:col`, 1-based, the form
 * editors and agents jump to.
 */
import { isAbsolute, relative, sep } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { DiagnosticSeverity } from '../protocol/index.js';

/** The most characters one tool answer carries, whatever its limits ask for. */
export const MAX_ANSWER_CHARS = 40_000;
/** Longest text of one listed item (a message, a matching line). */
export const MAX_ITEM_CHARS = 300;

/** Collects lines until the budget is spent; `more()` counts what did not fit. */
export class BoundedText {
  private readonly lines: string[] = [];
  private used = 0;
  private omitted = 0;

  constructor(private readonly budget = MAX_ANSWER_CHARS) {}

  /** Adds a line if it fits; returns false (and counts it) when it does not. */
  add(line: string): boolean {
    if (this.omitted > 0 || this.used + line.length + 1 > this.budget) {
      this.omitted++;
      return false;
    }
    this.lines.push(line);
    this.used += line.length + 1;
    return true;
  }

  get omittedCount(): number {
    return this.omitted;
  }

  toString(): string {
    return this.lines.join('\n');
  }
}

/** Cuts a one-line text to `max` characters, saying so. */
export function clip(text: string, max = MAX_ITEM_CHARS): string {
  const line = text.replace(/\s*\n\s*/g, ' ⏎ ');
  return line.length <= max ? line : `${line.slice(0, max)}… (${line.length - max} more chars)`;
}

export function location(file: string, line: number, column?: number): string {
  return column === undefined ? `${file}:${line}` : `${file}:${line}:${column}`;
}

export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}

export const SEVERITY_ORDER: readonly DiagnosticSeverity[] = ['error', 'warning', 'info', 'hint'];

/** True when `severity` is at least as serious as `minimum`. */
export function atLeast(severity: DiagnosticSeverity, minimum: DiagnosticSeverity): boolean {
  return SEVERITY_ORDER.indexOf(severity) <= SEVERITY_ORDER.indexOf(minimum);
}

/** A path as the sidecar names files: relative to the root, `/`-separated. */
export function workspacePath(root: string, path: string): string {
  const relativePath = isAbsolute(path) ? relative(root, path) : path;
  return relativePath.split(sep).join('/').replace(/^\.\//, '');
}

export function textResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }] };
}

/** A tool that failed: the protocol's code and message, for the model to read and act on. */
export function errorResult(error: unknown): CallToolResult {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  const text = typeof code === 'string' ? `${code}: ${message}` : message;
  return { content: [{ type: 'text', text }], isError: true };
}

/** Runs a tool body; any failure becomes an error result instead of a broken call. */
export async function answer(body: () => Promise<string>): Promise<CallToolResult> {
  try {
    return textResult(await body());
  } catch (error) {
    return errorResult(error);
  }
}
