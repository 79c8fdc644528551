import { readFileSync } from 'node:fs';
import { configDefaults, defineConfig } from 'vitest/config';

const { version } = JSON.parse(readFileSync(new URL('package.json', import.meta.url), 'utf8'));

// Projects: `unit` is pure logic next to the code it tests (no Docker daemon);
// `docker` talks to the real engine and lives in test/. The docker project runs files
// one at a time: two cores, and the engine serialises much of its work anyway.
// The docker project pins podrun's own pause image (built by test/global-setup.ts),
// so the prober is exercised on every machine, whether or not registry.k8s.io/pause
// is present; test/probes.test.ts also covers a pause image without the prober.
//
// A third, `stress` (test/stress/, about 10 minutes of lifecycle races), exists only
// when asked for: `npm run test:stress` (PODRUN_STRESS=1) or `--project stress`, so a
// plain `vitest run` (npm test) never starts it.
const stressWanted =
  process.env.PODRUN_STRESS === '1' ||
  process.argv.some(
    (arg, i, all) => arg === '--project=stress' || (arg === '--project' && all[i + 1] === 'stress'),
  );

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
          exclude: [...configDefaults.exclude, 'test/stress/**'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          globalSetup: ['test/global-setup.ts'],
          env: { PODRUN_PAUSE_IMAGE: `podrun/pause:${version}` },
        },
      },
      ...(stressWanted
        ? [
            {
              test: {
                name: 'stress',
                include: ['test/stress/**/*.test.ts'],
                // One scenario (20 repetitions) is one test: minutes, not seconds.
                testTimeout: 15 * 60_000,
                hookTimeout: 120_000,
                fileParallelism: false,
                globalSetup: ['test/global-setup.ts'],
                env: { PODRUN_PAUSE_IMAGE: `podrun/pause:${version}` },
              },
            },
          ]
        : []),
    ],
  },
});
