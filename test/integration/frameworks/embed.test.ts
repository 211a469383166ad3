/** The contract under the adapters: the prefix is checked when the sidecar is made. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PREFIX, embedSidecar } from '../../../src/integrations/embed.js';

describe('embedSidecar', () => {
  it('serves under /__sidecar unless told otherwise, and drops a trailing slash', () => {
    expect(embedSidecar({ sources: [], logLevel: 'silent' }).prefix).toBe(DEFAULT_PREFIX);
    expect(
      embedSidecar({ prefix: '/tools/sidecar/', sources: [], logLevel: 'silent' }).prefix,
    ).toBe('/tools/sidecar');
  });

  it('refuses a prefix that is not a plain path, with a code', () => {
    for (const prefix of ['no-slash', '/a?b', '//twice']) {
      expect(() => embedSidecar({ prefix, sources: [], logLevel: 'silent' })).toThrow(
        expect.objectContaining({ code: 'INVALID_PARAMS' }),
      );
    }
  });
});
