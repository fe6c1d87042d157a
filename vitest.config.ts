import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Suites that need an optional tool fail instead of skipping under CI=true (see test/support/require.ts).
    reporters: ['default'],
  },
});
