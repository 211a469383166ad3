import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Integration tests start real servers, watchers and processes on a shared 2-core machine:
    // generous limits, so a slow moment is not a failure. Tests assert behaviour, never timings.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          // One layer's parts on their own, beside the layer they test: `npx vitest --project unit`.
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/integration/**'],
        },
      },
      {
        extends: true,
        test: {
          // Real servers and clients, the CLI, the browser, language servers.
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
        },
      },
    ],
  },
});
