// Jobs through the CLI, with a supervisor of this file's own scope running the Job
// controller: completions with a parallelism cap, backoffLimit ending Failed, the
// migration-script verbs (apply --wait, wait --for=condition=complete, logs job/x),
// and a delete that cascades to nothing.
import { afterAll, describe, expect, it } from 'vitest';
import { inspectContainer, listPodrunContainers } from '../src/docker/containers.js';
import { Labels } from '../src/plan/labels.js';
import { podrun, TEST_IMAGE, writeManifest } from './helpers/pods.js';
import { scopedNamespace } from './helpers/supervised.js';

const { ns, ok, cleanUp } = scopedNamespace('jobs');
// The Job controller's back-off (10 s, doubling) scaled down with the kubelet's.
process.env.PODRUN_BACKOFF_BASE_MS = '300';

afterAll(cleanUp);

function job(name: string, spec: string, command: string): string {
  return writeManifest(
    ns,
    name,
    `apiVersion: batch/v1
kind: Job
metadata: { name: ${name} }
spec:
${spec}
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: work
          image: ${TEST_IMAGE}
          command: [sh, -c, '${command}']
`,
  );
}

/** The app containers of a Job's pods, with when each ran. */
async function runs(jobName: string) {
  const containers = (await listPodrunContainers({ [Labels.namespace]: ns })).filter(
    (c) => c.Labels[Labels.role] === 'app' && c.Labels[Labels.pod]?.startsWith(`${jobName}-`),
  );
  return Promise.all(
    containers.map(async (c) => {
      const state = (await inspectContainer(c.Id))?.State;
      if (!state) throw new Error(`container ${c.Id} of ${jobName} is gone`);
      return {
        pod: c.Labels[Labels.pod] ?? '',
        start: Date.parse(state.StartedAt),
        end: Date.parse(state.FinishedAt),
        exitCode: state.ExitCode,
      };
    }),
  );
}

describe('jobs', () => {
  it('completions: 4, parallelism: 2 never runs more than 2 pods at once and ends 4/4 Complete', async () => {
    const file = job(
      'migrate',
      '  completions: 4\n  parallelism: 2',
      'echo migrating; sleep 1; echo done',
    );
    expect(await ok(['apply', '-f', file, '--wait'])).toBe(
      'job.batch/migrate created\njob.batch/migrate complete\n',
    );
    const ran = await runs('migrate');
    expect(ran).toHaveLength(4);
    expect(ran.every((r) => r.exitCode === 0)).toBe(true);
    for (const r of ran) {
      const overlapping = ran.filter((o) => o.start < r.end && r.start < o.end);
      expect(overlapping.length, JSON.stringify(ran)).toBeLessThanOrEqual(2);
    }
    expect(new Set(ran.map((r) => r.pod)).size).toBe(4);
    for (const r of ran) expect(r.pod).toMatch(/^migrate-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const row = (await ok(['get', 'jobs', 'migrate'])).split('\n');
    expect(row[0]).toMatch(/^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE$/);
    expect(row[1]).toMatch(/^migrate\s+Complete\s+4\/4\s+/);
    // The migration script: wait for it, then read its log.
    expect(await ok(['wait', '--for=condition=complete', 'job/migrate', '--timeout=10s'])).toBe(
      'job.batch/migrate condition met\n',
    );
    expect(await ok(['logs', 'job/migrate'])).toBe('migrating\ndone\n');
    // The Job controller's events: a SuccessfulCreate per pod, Completed at the end.
    const described = await ok(['describe', 'job', 'migrate']);
    const made = [...described.matchAll(/SuccessfulCreate\s.*Created pod: (\S+)/g)].map(
      (m) => m[1],
    );
    expect(made.sort()).toEqual(ran.map((r) => r.pod).sort());
    expect(described).toMatch(/Normal\s+Completed\s.*Job completed/);
  }, 180_000);

  it('a Job that always fails with backoffLimit: 2 makes 3 pods and ends Failed', async () => {
    const file = job('broken', '  backoffLimit: 2', 'echo failing; exit 1');
    const applied = await podrun(['apply', '-f', file, '--wait', '-n', ns]);
    expect(applied.code).not.toBe(0);
    expect(applied.stderr).toContain('job.batch/broken failed: BackoffLimitExceeded');
    const ran = await runs('broken');
    expect(ran).toHaveLength(3);
    expect(ran.every((r) => r.exitCode === 1)).toBe(true);
    expect((await ok(['get', 'jobs', 'broken'])).split('\n')[1]).toMatch(
      /^broken\s+Failed\s+0\/1\s+/,
    );
    expect(await ok(['wait', '--for=condition=failed', 'job/broken', '--timeout=10s'])).toBe(
      'job.batch/broken condition met\n',
    );
    expect(await ok(['describe', 'job', 'broken'])).toMatch(
      /Warning\s+BackoffLimitExceeded\s.*Job has reached the specified backoff limit/,
    );
    const notComplete = await podrun([
      'wait',
      '--for=condition=complete',
      'job/broken',
      '--timeout=2s',
      '-n',
      ns,
    ]);
    expect(notComplete.code).not.toBe(0);
  }, 180_000);

  it('delete job cascades to its pods, and nothing is left', async () => {
    expect(await ok(['delete', 'job', 'migrate', 'broken'])).toBe(
      'job.batch "migrate" deleted\njob.batch "broken" deleted\n',
    );
    expect(await listPodrunContainers({ [Labels.namespace]: ns })).toEqual([]);
  }, 120_000);
});
