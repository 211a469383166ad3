import { describe, expect, it } from 'vitest';
import { childEnvironment } from '../../src/core/child-environment.js';

describe('childEnvironment', () => {
  it("keeps the user's environment, drops the sidecar's token, and applies overrides", () => {
    const env = childEnvironment(
      { NO_COLOR: '1' },
      { PATH: '/usr/bin', HOME: '/home/dev', SIDECAR_TOKEN: 'secret' },
    );
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/home/dev', NO_COLOR: '1' });
  });
});
