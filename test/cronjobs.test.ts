// CronJobs through the CLI, with a supervisor of this file's own scope running the
// CronJob and Job controllers. The schedule here is yearly, so nothing fires during the
// test: `create job --from=cronjob/x` makes its Job now, which runs through the real
// engine. Firing on the real clock (a minute at a time) is in the long runs,
// test/stress/cronjob-schedule.test.ts; the schedule logic has its unit tests.
import { afterAll, describe, expect, it } from 'vitest';
import { listPodrunContainers } from '../src/docker/containers.js';
import { Labels } from '../src/plan/labels.js';
import { podrun, TEST_IMAGE, writeManifest } from './helpers/pods.js';
import { scopedNamespace } from './helpers/supervised.js';

const { ns, ok, cleanUp } = scopedNamespace('cronjobs');

afterAll(cleanUp);

const manifest = (schedule: string, name = 'nightly') =>
  writeManifest(
    ns,
    name,
    `apiVersion: batch/v1
kind: CronJob
metadata: { name: ${name}, labels: { team: ops } }
spec:
  schedule: '${schedule}'
  jobTemplate:
    metadata: { labels: { app: nightly } }
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
            - name: backup
              image: ${TEST_IMAGE}
              command: [sh, -c, 'echo backing up; echo done']
`,
  );

describe('cronjobs', () => {
  it('apply stores it, get and describe show it, an unchanged apply touches nothing', async () => {
    const file = manifest('0 3 1 1 *');
    expect(await ok(['apply', '-f', file, '--wait'])).toBe('cronjob.batch/nightly created\n');
    expect(await ok(['apply', '-f', file])).toBe('cronjob.batch/nightly unchanged\n');
    const [header, row] = (await ok(['get', 'cronjobs'])).split('\n');
    expect(header).toMatch(/^NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE$/);
    expect(row).toMatch(/^nightly\s+0 3 1 1 \*\s+<none>\s+False\s+0\s+<none>\s+\d+s$/);
    expect(await ok(['get', 'cj', 'nightly', '-o', 'jsonpath={.spec.schedule}'])).toBe('0 3 1 1 *');
    const described = await ok(['describe', 'cronjob', 'nightly']);
    expect(described).toMatch(/^Schedule:\s+0 3 1 1 \*$/m);
    expect(described).toMatch(/^Concurrency Policy:\s+Allow$/m);
    expect(described).toMatch(/^Last Schedule Time:\s+<unset>$/m);
  }, 60_000);

  it('create job --from=cronjob/x runs its jobTemplate now, owned by the CronJob', async () => {
    expect(await ok(['create', 'job', 'manual', '--from=cronjob/nightly'])).toBe(
      'job.batch/manual created\n',
    );
    expect(await ok(['wait', '--for=condition=complete', 'job/manual', '--timeout=60s'])).toBe(
      'job.batch/manual condition met\n',
    );
    expect(await ok(['logs', 'job/manual'])).toBe('backing up\ndone\n');
    const job = JSON.parse(await ok(['get', 'job', 'manual', '-o', 'json']));
    expect(job.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'CronJob', name: 'nightly', controller: true }),
    ]);
    expect(job.metadata.annotations['cronjob.kubernetes.io/instantiate']).toBe('manual');
    expect(job.metadata.labels).toEqual({ app: 'nightly' });
    // The selectors and `get all`, as for pods.
    expect(await ok(['get', 'cj', '-l', 'team=ops', '-o', 'name'])).toBe('cronjob.batch/nightly\n');
    const none = await podrun(['get', 'cj', '-l', 'team=dev', '-n', ns]);
    expect(none.stdout).toBe('');
    expect(none.stderr).toBe(`No resources found in ${ns} namespace.\n`);
    const all = await ok(['get', 'all']);
    expect(all).toMatch(/^cronjob\.batch\/nightly\s+0 3 1 1 \*\s+<none>\s+False\s+0\s+/m);
    expect(all).toMatch(/^job\.batch\/manual\s+Complete\s+1\/1\s+/m);
    expect(all.indexOf('cronjob.batch/nightly')).toBeLessThan(all.indexOf('job.batch/manual'));
    const again = await podrun(['create', 'job', 'manual', '--from=cronjob/nightly', '-n', ns]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('jobs.batch "manual" already exists');
    const missing = await podrun(['create', 'job', 'x', '--from=cronjob/nope', '-n', ns]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('cronjobs.batch "nope" not found');
  }, 90_000);

  it('a schedule the controller cannot read is refused at its line, and nothing is stored', async () => {
    const bad = manifest('61 * * * *', 'bad');
    const applied = await podrun(['apply', '-f', bad, '-n', ns]);
    expect(applied.code).not.toBe(0);
    expect(applied.stderr).toContain(
      `${bad}:5:3: spec.schedule: Invalid value: "61 * * * *": minute: 61 out of range [0, 59]`,
    );
    const got = await podrun(['get', 'cronjob', 'bad', '-n', ns]);
    expect(got.code).not.toBe(0);
    expect(got.stderr).toContain('cronjobs.batch "bad" not found');
  }, 60_000);

  it('delete cronjob cascades to its Jobs and their pods', async () => {
    expect(await ok(['delete', 'cronjob', 'nightly'])).toBe('cronjob.batch "nightly" deleted\n');
    const jobs = await podrun(['get', 'job', 'manual', '-n', ns]);
    expect(jobs.code).not.toBe(0);
    expect(await listPodrunContainers({ [Labels.namespace]: ns })).toEqual([]);
  }, 60_000);
});
