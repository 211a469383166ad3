/**
 * Turns what a language server says about a file into the protocol's `Diagnostic`s. A server's
 * output is input from outside: entries that are not well-formed are dropped, long messages
 * are cut, and one file carries a bounded number of diagnostics.
 */

import type { Diagnostic, DiagnosticSeverity, Range } from '../../protocol/index.js';

/** The most diagnostics kept for one file from one server. */
export const MAX_DIAGNOSTICS_PER_FILE = 1000;
/** Longer messages (TypeScript's can be pages of types) are cut to this many characters. */
export const MAX_MESSAGE_LENGTH = 4000;

/** LSP's DiagnosticSeverity 1–4; a missing severity counts as an error, as editors do. */
const SEVERITIES: Record<number, DiagnosticSeverity> = {
  1: 'error',
  2: 'warning',
  3: 'info',
  4: 'hint',
};

export function toProtocolDiagnostics(raw: unknown): Diagnostic[] {
  if (!Array.isArray(raw)) return [];
  const result: Diagnostic[] = [];
  for (const entry of raw) {
    const diagnostic = toProtocolDiagnostic(entry);
    if (!diagnostic) continue;
    result.push(diagnostic);
    if (result.length === MAX_DIAGNOSTICS_PER_FILE) break;
  }
  return result;
}

function toProtocolDiagnostic(entry: unknown): Diagnostic | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const { range, severity, message, code, source } = entry as Record<string, unknown>;
  const checkedRange = toRange(range);
  if (!checkedRange || typeof message !== 'string') return undefined;
  const diagnostic: Diagnostic = {
    range: checkedRange,
    severity: severity === undefined ? 'error' : (SEVERITIES[severity as number] ?? 'error'),
    message:
      message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH)}…` : message,
  };
  if ((typeof code === 'number' && Number.isFinite(code)) || typeof code === 'string') {
    diagnostic.code = code;
  }
  if (typeof source === 'string') diagnostic.source = source;
  return diagnostic;
}

function toRange(value: unknown): Range | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { start, end } = value as Record<string, unknown>;
  const from = toPosition(start);
  const to = toPosition(end);
  return from && to ? { start: from, end: to } : undefined;
}

function toPosition(value: unknown): Range['start'] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { line, character } = value as Record<string, unknown>;
  const isIndex = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0;
  return isIndex(line) && isIndex(character) ? { line, character } : undefined;
}
