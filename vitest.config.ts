import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const { version } = JSON.parse(readFileSync(new URL('package.json', import.meta.url), 'utf8'));

// Two projects: `unit` is pure logic next to the code it tests (no Docker daemon);
// `docker` talks to the real engine and lives in test/. The docker project runs files
// one at a time: two cores, and the engine serialises much of its work anyway.
// The docker project pins podrun's own pause image (built by test/global-setup.ts),
// so the prober is exercised on every machine, whether or not registry.k8s.io/pause
// is present; test/probes.test.ts also covers a pause image without the prober.
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
          env: { PODRUN_PAUSE_IMAGE: `podrun/pause:${version}` },
        },
      },
    ],
  },
});
