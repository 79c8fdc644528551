// A CronJob on the real clock (one of the long runs: it waits for minute boundaries,
// about two minutes). Schedule `* * * * *` with successfulJobsHistoryLimit 1: each
// minute the supervisor makes the Job `tick-<minutes since the epoch>`, it runs to
// Complete on the real engine, and the previous one is deleted, its pods after it.
import { afterAll, describe, expect, it } from 'vitest';
import { listPodrunContainers } from '../../src/docker/containers.js';
import { Labels } from '../../src/plan/labels.js';
import { TEST_IMAGE, waitFor, writeManifest } from '../helpers/pods.js';
import { scopedNamespace } from '../helpers/supervised.js';

const { ns, ok, cleanUp } = scopedNamespace('cron');

afterAll(cleanUp);

interface JobList {
  items: {
    metadata: { name: string; annotations?: Record<string, string> };
    status?: { conditions?: { type: string; status: string }[] };
  }[];
}

async function jobs(): Promise<JobList['items']> {
  const text = await ok(['get', 'jobs', '-o', 'json']);
  const parsed = JSON.parse(text) as JobList | JobList['items'][number];
  return 'items' in parsed ? parsed.items : [parsed];
}

const complete = (job: JobList['items'][number]) =>
  (job.status?.conditions ?? []).some((c) => c.type === 'Complete' && c.status === 'True');

describe('a CronJob on its schedule', () => {
  it('makes one Job a minute, named by its minute, and keeps one finished', async () => {
    const file = writeManifest(
      ns,
      'tick',
      `apiVersion: batch/v1
kind: CronJob
metadata: { name: tick }
spec:
  schedule: '* * * * *'
  successfulJobsHistoryLimit: 1
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
            - name: tick
              image: ${TEST_IMAGE}
              command: [sh, -c, 'echo tick']
`,
    );
    const applied = Date.now();
    expect(await ok(['apply', '-f', file])).toBe('cronjob.batch/tick created\n');
    // The first minute boundary after the apply, then a run and its pod.
    const first = await waitFor(
      'the first scheduled Job to complete',
      async () => {
        const done = (await jobs()).filter(complete);
        return done.length > 0 ? done[0] : undefined;
      },
      80_000,
    );
    const minute = Number(first.metadata.name.replace(/^tick-/, ''));
    expect(minute * 60_000).toBeGreaterThan(applied - 60_000);
    expect(new Date(minute * 60_000).toISOString().replace('.000Z', 'Z')).toBe(
      new Date(
        Date.parse(
          first.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'] ?? '',
        ),
      )
        .toISOString()
        .replace('.000Z', 'Z'),
    );
    expect(await ok(['logs', `job/${first.metadata.name}`])).toBe('tick\n');
    // The next minute's Job replaces it in the history of one.
    const second = await waitFor(
      'the next scheduled Job to complete, the first deleted',
      async () => {
        const all = await jobs();
        const next = all.find((j) => j.metadata.name === `tick-${minute + 1}` && complete(j));
        return next && !all.some((j) => j.metadata.name === first.metadata.name) ? next : undefined;
      },
      80_000,
    );
    expect(second.metadata.name).toBe(`tick-${minute + 1}`);
    // The old Job's pods go after it, in the background (Kubernetes' CronJob deletes
    // with propagationPolicy Background, and the garbage collector follows).
    await waitFor(
      "the first Job's pods to be removed",
      async () => {
        const pods = (await listPodrunContainers({ [Labels.namespace]: ns })).map(
          (c) => c.Labels[Labels.pod] ?? '',
        );
        return pods.some((p) => p.startsWith(`${first.metadata.name}-`)) ? undefined : true;
      },
      20_000,
    );
    const row = (await ok(['get', 'cronjobs', 'tick'])).split('\n')[1];
    expect(row).toMatch(/^tick\s+\* \* \* \* \*\s+<none>\s+False\s+[01]\s+\d+s\s+/);
    // The CronJob controller's events: each Job it made, and the one it removed.
    const described = await ok(['describe', 'cronjob', 'tick']);
    expect(described).toMatch(
      new RegExp(`SuccessfulCreate\\s.*Created job ${first.metadata.name}\\n`),
    );
    expect(described).toMatch(
      new RegExp(`SuccessfulCreate\\s.*Created job ${second.metadata.name}\\n`),
    );
    expect(described).toMatch(
      new RegExp(`SuccessfulDelete\\s.*Deleted job ${first.metadata.name}\\n`),
    );
    expect(await ok(['delete', 'cronjob', 'tick'])).toBe('cronjob.batch "tick" deleted\n');
    expect(await jobs()).toEqual([]);
  }, 200_000);
});
