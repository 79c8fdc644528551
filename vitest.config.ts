import { readFileSync } from 'node:fs';
import { configDefaults, defineConfig } from 'vitest/config';

const { version } = JSON.parse(readFileSync(new URL('package.json', import.meta.url), 'utf8'));

// Projects: `unit` is pure logic next to the code it tests (no Docker daemon);
// `docker` talks to the real engine and lives in test/. Docker-backed files run three
// at a time (they mostly wait on the engine and on probe periods, not on the two
// cores), each in a namespace and a supervisor scope of its own (test/file-scope.ts);
// `docker-serial` holds the few that change what every file shares, run one at a
// time after the rest. Both pin podrun's own pause image (built by test/global-setup.ts),
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

// Docker-backed files that change what every other file depends on: the engine
// (restarted, its daemon.json), its images (built, tagged, removed, pulled) or the
// host's processes. They run one at a time, after the rest.
const SERIAL_FILES = [
  'test/engine-restart.test.ts',
  'test/ensure-docker.test.ts',
  'test/images.test.ts',
  'test/pull.test.ts',
  'test/pause.test.ts',
  'test/pause-override.test.ts',
  'test/pause-preference.test.ts',
  'test/build-images.test.ts',
  'test/package.test.ts',
  'test/test-script.test.ts',
  'test/supervisor-daemon.test.ts',
  'test/library-reaper.test.ts',
];

/** What both Docker-backed projects share. */
const DOCKER = {
  testTimeout: 60_000,
  hookTimeout: 60_000,
  globalSetup: ['test/global-setup.ts'],
  setupFiles: ['test/file-scope.ts'],
  env: { PODRUN_PAUSE_IMAGE: `podrun/pause:${version}` },
};

export default defineConfig({
  test: {
    maxWorkers: 3,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
        },
      },
      {
        test: {
          ...DOCKER,
          name: 'docker',
          include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/stress/**', ...SERIAL_FILES],
          fileParallelism: true,
        },
      },
      {
        test: {
          ...DOCKER,
          name: 'docker-serial',
          include: SERIAL_FILES,
          fileParallelism: false,
          // After every other file: these change what the others run on.
          sequence: { groupOrder: 1 },
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
