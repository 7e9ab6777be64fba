import { defineConfig } from 'vitest/config';

// Unit tests are pure and run in parallel; integration tests and drills start real processes and
// real PostgreSQL, so they run one file at a time with long timeouts and never retry (a retried
// drill would hide a flaky rollback).
export default defineConfig({
  test: {
    // The CLI the tests run is the compiled one: rebuilt once, before any test, when a source is newer.
    globalSetup: ['./test/global-setup.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'fixtures/**/*.test.ts', 'containers/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['src/**/*.int.test.ts', 'fixtures/**/*.int.test.ts', 'test/**/*.int.test.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
          retry: 0,
        },
      },
      {
        test: {
          name: 'drills',
          include: ['drills/**/*.drill.test.ts'],
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 120_000,
          retry: 0,
        },
      },
    ],
  },
});
