import { describe, expect, it } from 'vitest';
import { settingAt } from '../../../src/sources/diagnostics/client-protocol.js';

describe('settingAt (workspace/configuration answers)', () => {
  const settings = {
    python: { analysis: { typeCheckingMode: 'strict' } },
    'rust-analyzer': { check: { command: 'clippy' } },
  };

  it('finds a dotted section, a whole section, or everything', () => {
    expect(settingAt(settings, 'python.analysis.typeCheckingMode')).toBe('strict');
    expect(settingAt(settings, 'rust-analyzer')).toEqual({ check: { command: 'clippy' } });
    expect(settingAt(settings, undefined)).toBe(settings);
  });

  it('answers null for what is not set, without reaching into prototypes', () => {
    expect(settingAt(settings, 'python.missing')).toBeNull();
    expect(settingAt(settings, 'python.analysis.typeCheckingMode.deeper')).toBeNull();
    expect(settingAt(settings, 'constructor')).toBeNull();
    expect(settingAt(settings, 'python.__proto__')).toBeNull();
    expect(settingAt(undefined, 'python')).toBeNull();
  });
});
