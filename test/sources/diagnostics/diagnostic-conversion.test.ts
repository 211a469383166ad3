import { describe, expect, it } from 'vitest';
import {
  MAX_DIAGNOSTICS_PER_FILE,
  MAX_MESSAGE_LENGTH,
  toProtocolDiagnostics,
} from '../../../src/sources/diagnostics/diagnostic-conversion.js';

const range = { start: { line: 1, character: 2 }, end: { line: 1, character: 5 } };

describe('toProtocolDiagnostics', () => {
  it('maps LSP severities, keeps code and source, drops the rest', () => {
    const raw = [1, 2, 3, 4, undefined].map((severity, i) => ({
      range,
      severity,
      message: `m${i}`,
      code: i % 2 ? `c${i}` : i,
      source: 'ts',
      relatedInformation: [],
      data: { secret: true },
    }));
    expect(toProtocolDiagnostics(raw)).toEqual([
      { range, severity: 'error', message: 'm0', code: 0, source: 'ts' },
      { range, severity: 'warning', message: 'm1', code: 'c1', source: 'ts' },
      { range, severity: 'info', message: 'm2', code: 2, source: 'ts' },
      { range, severity: 'hint', message: 'm3', code: 'c3', source: 'ts' },
      { range, severity: 'error', message: 'm4', code: 4, source: 'ts' },
    ]);
  });

  it('drops malformed entries and ignores a payload that is not a list', () => {
    expect(toProtocolDiagnostics({ nope: 1 })).toEqual([]);
    expect(
      toProtocolDiagnostics([
        null,
        'text',
        { range, message: 42 },
        { range: { start: { line: -1, character: 0 }, end: range.end }, message: 'x' },
        { range: { start: { line: 0.5, character: 0 }, end: range.end }, message: 'x' },
        { message: 'no range' },
        { range, message: 'kept', code: { value: 1 }, source: 7 },
      ]),
    ).toEqual([{ range, severity: 'error', message: 'kept' }]);
  });

  it('cuts long messages and bounds the list', () => {
    const long = 'x'.repeat(MAX_MESSAGE_LENGTH + 10);
    expect(toProtocolDiagnostics([{ range, message: long }])[0]!.message).toBe(
      `${'x'.repeat(MAX_MESSAGE_LENGTH)}…`,
    );
    const many = Array.from({ length: MAX_DIAGNOSTICS_PER_FILE + 5 }, () => ({
      range,
      message: 'm',
    }));
    expect(toProtocolDiagnostics(many)).toHaveLength(MAX_DIAGNOSTICS_PER_FILE);
  });
});
