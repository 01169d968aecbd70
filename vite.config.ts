import { defineConfig } from 'vitest/config';

// Builds are driven by scripts/build.ts (one library build per output); this file configures the tests.
export default defineConfig({
  test: {
    maxWorkers: 2, // on 2 cores `vitest run` would otherwise use one worker
    teardownTimeout: 10_000,
    coverage: {
      enabled: true,
      provider: 'v8',
      include: ['src/core/**/*.ts'],
      exclude: ['src/core/**/types.ts', 'src/core/odata/ast.ts'],
      reporter: ['text-summary'],
      thresholds: { lines: 90 },
    },
    projects: [
      // Property tests run hundreds of cases; under coverage on two busy cores one can pass 5 s.
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000 } },
      {
        extends: true,
        test: {
          name: 'server',
          include: ['test/server/**/*.test.ts'],
          globalSetup: ['test/support/prerequisites.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          // Prerequisites first: a missing browser or database stops the run with one line.
          globalSetup: ['test/support/prerequisites.ts', 'test/browser/global-setup.ts', 'test/browser/azure-sdk-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        // Firefox ESR and WebKitGTK, the engines without Background Sync (TESTING.md §13): serial, one browser per file.
        extends: true,
        test: {
          name: 'engines',
          include: ['test/engines/**/*.test.ts'],
          globalSetup: ['test/support/prerequisites.ts', 'test/engines/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
