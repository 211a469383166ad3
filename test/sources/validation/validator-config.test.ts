import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { normalizeOptions, parseSettings } from '../../../src/app/options.js';
import { resolveValidationOptions } from '../../../src/sources/validation/validator-config.js';

const inConfig = (key: string) => `"${key}" in sidecar.config.json`;
const problemWith = (validation: unknown) => {
  try {
    parseSettings({ validation }, inConfig);
  } catch (error) {
    return (error as Error).message;
  }
  return 'accepted';
};

describe('the validation settings', () => {
  it('fill defaults, auto-detect when no validators are given, and freeze the result', () => {
    const options = normalizeOptions({
      validation: [
        { name: 'lint', command: 'eslint', args: ['-f', 'json', '.'], matcher: 'eslint-json' },
      ],
    });
    expect(options.validation).toEqual({
      validators: [
        {
          name: 'lint',
          command: 'eslint',
          args: ['-f', 'json', '.'],
          matcher: 'eslint-json',
          triggers: ['**/*'],
          debounceMs: 300,
          timeoutMs: 300_000,
          maxOutputBytes: 10 * 1024 * 1024,
        },
      ],
      maxConcurrent: availableParallelism(),
    });
    expect(Object.isFrozen(options.validation.validators![0]!.args)).toBe(true);
    expect(resolveValidationOptions(undefined).validators).toBeNull();
    expect(resolveValidationOptions({ maxConcurrent: 2 })).toEqual({
      validators: null,
      maxConcurrent: 2,
    });
    expect(resolveValidationOptions({ validators: [], maxConcurrent: 1 })).toEqual({
      validators: [],
      maxConcurrent: 1,
    });
  });

  it('accept a custom matcher whose groups exist', () => {
    expect(
      problemWith([
        {
          name: 'cargo',
          command: 'cargo',
          matcher: {
            regexp: '^(.+):(\\d+):(\\d+): (\\w+): (.*)$',
            file: 1,
            line: 2,
            column: 3,
            severity: 4,
            message: 5,
          },
        },
      ]),
    ).toBe('accepted');
  });

  it('name the bad field inside the section', () => {
    expect(problemWith([{ name: 'x', command: 'x', matcher: 'nope' }])).toBe(
      'invalid "validation" in sidecar.config.json at [0].matcher: expected "tsc", "eslint-json", "generic" or a custom matcher object (got "nope")',
    );
    expect(
      problemWith([
        { name: 'x', command: 'x', matcher: { regexp: '(a', file: 1, line: 1, message: 1 } },
      ]),
    ).toMatch(/at \[0\]\.matcher\.regexp: not a valid regular expression/);
    expect(
      problemWith([
        { name: 'x', command: 'x', matcher: { regexp: '(a)', file: 1, line: 2, message: 1 } },
      ]),
    ).toBe(
      'invalid "validation" in sidecar.config.json at [0].matcher.line: group 2 does not exist: the regexp has 1 group (got 2)',
    );
    expect(
      problemWith([{ name: 'x', command: 'x', matcher: { regexp: '(a)', file: 1, line: 1 } }]),
    ).toMatch(/at \[0\]\.matcher\.message: .* \(missing\)$/);
    expect(problemWith({ validators: [{ name: 'a b', command: 'x' }] })).toMatch(
      /at validators\[0\]\.name: expected 1 to 64/,
    );
    expect(problemWith([{ name: 'x', command: 'x', timeoutMs: 5 }])).toMatch(
      /at \[0\]\.timeoutMs: expected a whole number/,
    );
    expect(problemWith([{ name: 'x', command: 'x', shell: true }])).toBe(
      'invalid "validation" in sidecar.config.json at [0]: unknown key "shell"',
    );
    expect(
      problemWith([
        { name: 'x', command: 'a' },
        { name: 'x', command: 'b' },
      ]),
    ).toMatch(/at \[1\]\.name: "x" is used by two validators/);
    expect(problemWith({ maxConcurrent: 0 })).toMatch(
      /at maxConcurrent: expected a whole number from 1/,
    );
    expect(problemWith('tsc')).toBe(
      'invalid "validation" in sidecar.config.json: expected a list of validators or { validators, maxConcurrent } (got "tsc")',
    );
  });

  it('accept every example in the Validation section of docs/configuration.md', () => {
    const docs = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
    const section = docs.slice(docs.indexOf('## Validation'), docs.indexOf('## Discovery file'));
    const examples = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!));
    expect(examples.length).toBeGreaterThanOrEqual(5);
    for (const example of examples) {
      expect(() => normalizeOptions({ validation: example.validation })).not.toThrow();
    }
  });
});
