import { defineConfig } from 'vitest/config';

// Two projects: `unit` is pure logic next to the code it tests (no Docker daemon);
// `docker` talks to the real engine and lives in test/. The docker project runs files
// one at a time: two cores, and the engine serialises much of its work anyway.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'docker',
          include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          globalSetup: ['test/global-setup.ts'],
        },
      },
    ],
  },
});
