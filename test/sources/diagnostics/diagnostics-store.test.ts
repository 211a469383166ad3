import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../src/protocol/index.js';
import { createDiagnosticsStore } from '../../../src/sources/diagnostics/diagnostics-store.js';

const at = (line: number, severity: Diagnostic['severity'] = 'error'): Diagnostic => ({
  range: { start: { line, character: 0 }, end: { line, character: 1 } },
  severity,
  message: `problem on ${line}`,
});
const entry = (file: string, server: string, diagnostics: Diagnostic[]) => ({
  file,
  uri: `file:///w/${file}`,
  server,
  diagnostics,
});

describe('the diagnostics store', () => {
  it('keeps the latest set per file and server, and the workspace totals', () => {
    const store = createDiagnosticsStore();
    expect(store.set(entry('b.ts', 'ts', [at(1), at(2, 'warning')]))).toBe(true);
    expect(store.set(entry('a.ts', 'ts', [at(3, 'hint')]))).toBe(true);
    expect(store.set(entry('b.ts', 'lint', [at(1, 'info')]))).toBe(true);
    expect(store.summary()).toEqual({ errors: 1, warnings: 1, infos: 1, hints: 1 });
    expect(store.snapshot().files.map((f) => `${f.file}:${f.server}`)).toEqual([
      'a.ts:ts',
      'b.ts:lint',
      'b.ts:ts',
    ]);

    // A new set replaces the old one.
    expect(store.set(entry('b.ts', 'ts', [at(5)]))).toBe(true);
    expect(store.summary()).toEqual({ errors: 1, warnings: 0, infos: 1, hints: 1 });
    expect(store.snapshot('b.ts')).toEqual({
      files: [entry('b.ts', 'lint', [at(1, 'info')]), entry('b.ts', 'ts', [at(5)])],
      summary: { errors: 1, warnings: 0, infos: 1, hints: 0 },
    });
  });

  it('says when nothing changed, and removes a file whose set is empty', () => {
    const store = createDiagnosticsStore();
    expect(store.set(entry('a.ts', 'ts', []))).toBe(false);
    store.set(entry('a.ts', 'ts', [at(1)]));
    expect(store.set(entry('a.ts', 'ts', [at(1)]))).toBe(false);
    expect(store.has('a.ts', 'ts')).toBe(true);
    expect(store.set(entry('a.ts', 'ts', []))).toBe(true);
    expect(store.has('a.ts', 'ts')).toBe(false);
    expect(store.snapshot()).toEqual({
      files: [],
      summary: { errors: 0, warnings: 0, infos: 0, hints: 0 },
    });
    expect(store.snapshot('unknown.ts').files).toEqual([]);
  });

  it("lists one server's files", () => {
    const store = createDiagnosticsStore();
    store.set(entry('a.ts', 'ts', [at(1)]));
    store.set(entry('b.ts', 'ts', [at(1)]));
    store.set(entry('b.ts', 'lint', [at(1)]));
    expect(store.filesOf('ts').map((f) => f.file)).toEqual(['a.ts', 'b.ts']);
    expect(store.filesOf('lint', 'a.ts')).toEqual([]);
    expect(store.filesOf('lint', 'b.ts').map((f) => f.file)).toEqual(['b.ts']);
  });
});
