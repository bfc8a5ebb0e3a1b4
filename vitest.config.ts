import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Two cores: one fork per core, tests inside a file run in order.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Integration tests read CI to decide between failing and skipping when a server is down.
    reporters: process.env.CI ? ['default'] : ['default'],
    typecheck: { enabled: false },
  },
});
