import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real servers, watchers and processes on a shared 2-core machine:
    // generous limits, so a slow moment is not a failure. Tests assert behaviour, never timings.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
