import type { CronJob, CronJobSpec } from 'kubernetes-types/batch/v1.js';
import { describe, expect, it } from 'vitest';
import {
  type OwnedJob,
  SCHEDULED_TIMESTAMP_ANNOTATION,
  syncCronJob,
  zonedTime,
} from './cronjob.js';
import type { ControllerIntent } from './intents.js';

const at = (iso: string) => Date.parse(iso);
const minutes = (iso: string) => Math.floor(at(iso) / 60_000);

function cronJob(spec: Partial<CronJobSpec> = {}, status: CronJob['status'] = {}): CronJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: {
      name: 'backup',
      namespace: 'default',
      uid: 'cj-1',
      creationTimestamp: '2026-12-03T10:00:30Z',
    },
    spec: {
      schedule: '*/5 * * * *',
      jobTemplate: {
        metadata: { labels: { app: 'backup' }, annotations: { team: 'ops' } },
        spec: {
          template: {
            spec: { restartPolicy: 'Never', containers: [{ name: 'b', image: 'busybox' }] },
          },
        },
      },
      ...spec,
    },
    status,
  };
}

const step = (cj: CronJob, now: string, jobs: OwnedJob[] = []) =>
  syncCronJob({ cronJob: cj, jobs, now: at(now), localZone: 'UTC' });
const created = (intents: readonly ControllerIntent[]) =>
  intents.flatMap((i) => (i.kind === 'create-job' ? [i.job] : []));
const deleted = (intents: readonly ControllerIntent[]) =>
  intents.flatMap((i) => (i.kind === 'delete-job' ? [i.name] : []));
const job = (name: string, fields: Partial<OwnedJob> = {}): OwnedJob => ({
  name,
  createdAt: at('2026-12-03T10:05:00Z'),
  ...fields,
});

describe('syncCronJob', () => {
  it('makes nothing before the first run after its creation, and wakes for it', () => {
    const result = step(cronJob(), '2026-12-03T10:04:59Z');
    expect(result.intents).toEqual([]);
    expect(result.wakeAt).toBe(at('2026-12-03T10:05:00Z') + 100);
  });

  it('makes the Job of the run due, named by its minute, from the jobTemplate', () => {
    const result = step(cronJob(), '2026-12-03T10:05:01Z');
    const [made] = created(result.intents);
    expect(made?.metadata).toEqual({
      name: `backup-${minutes('2026-12-03T10:05:00Z')}`,
      namespace: 'default',
      labels: { app: 'backup' },
      annotations: { team: 'ops', [SCHEDULED_TIMESTAMP_ANNOTATION]: '2026-12-03T10:05:00Z' },
      ownerReferences: [
        {
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          name: 'backup',
          uid: 'cj-1',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    });
    expect(made?.spec?.template.spec?.containers[0]?.image).toBe('busybox');
    expect(result.status.lastScheduleTime).toBe('2026-12-03T10:05:00Z');
    expect(result.status.active?.map((r) => r.name)).toEqual([made?.metadata?.name]);
    expect(result.wakeAt).toBe(at('2026-12-03T10:10:00Z') + 100);
  });

  it('makes one Job for many missed runs: the most recent', () => {
    const result = step(cronJob(), '2026-12-03T12:31:00Z');
    expect(created(result.intents).map((j) => j.metadata?.name)).toEqual([
      `backup-${minutes('2026-12-03T12:30:00Z')}`,
    ]);
  });

  it('does not make a run twice', () => {
    const name = `backup-${minutes('2026-12-03T10:05:00Z')}`;
    const again = step(cronJob(), '2026-12-03T10:05:02Z', [job(name)]);
    expect(created(again.intents)).toEqual([]);
    expect(again.status.lastScheduleTime).toBe('2026-12-03T10:05:00Z');
    const stored = cronJob({}, { lastScheduleTime: '2026-12-03T10:05:00Z' });
    expect(created(step(stored, '2026-12-03T10:09:00Z').intents)).toEqual([]);
  });

  it('makes nothing while suspended', () => {
    const result = step(cronJob({ suspend: true }), '2026-12-03T10:05:01Z');
    expect(result.intents).toEqual([]);
    expect(result.wakeAt).toBeUndefined();
  });

  it('Allow: runs next to an active Job', () => {
    const result = step(
      cronJob({}, { lastScheduleTime: '2026-12-03T10:05:00Z' }),
      '2026-12-03T10:10:01Z',
      [job('backup-1')],
    );
    expect(created(result.intents)).toHaveLength(1);
    expect(result.status.active).toHaveLength(2);
  });

  it('Forbid: waits while one runs, then makes the waiting run within its deadline', () => {
    const cj = cronJob(
      { concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 120 },
      { lastScheduleTime: '2026-12-03T10:05:00Z' },
    );
    const running = step(cj, '2026-12-03T10:10:01Z', [job('backup-1')]);
    expect(running.intents).toEqual([]);
    expect(running.status.lastScheduleTime).toBe('2026-12-03T10:05:00Z');
    const ended = step(cj, '2026-12-03T10:11:00Z', [job('backup-1', { finished: 'Complete' })]);
    expect(created(ended.intents).map((j) => j.metadata?.name)).toEqual([
      `backup-${minutes('2026-12-03T10:10:00Z')}`,
    ]);
    const tooLate = step(cj, '2026-12-03T10:12:30Z', [job('backup-1', { finished: 'Complete' })]);
    expect(created(tooLate.intents)).toEqual([]);
  });

  it('Replace: deletes the active Jobs and makes the new one', () => {
    const result = step(
      cronJob({ concurrencyPolicy: 'Replace' }, { lastScheduleTime: '2026-12-03T10:05:00Z' }),
      '2026-12-03T10:10:01Z',
      [job('backup-1')],
    );
    expect(deleted(result.intents)).toEqual(['backup-1']);
    expect(result.status.active?.map((r) => r.name)).toEqual([
      `backup-${minutes('2026-12-03T10:10:00Z')}`,
    ]);
  });

  it('skips a run later than startingDeadlineSeconds', () => {
    const result = step(
      cronJob({ startingDeadlineSeconds: 10 }, { lastScheduleTime: '2026-12-03T10:00:00Z' }),
      '2026-12-03T10:05:30Z',
    );
    expect(created(result.intents)).toEqual([]);
    expect(result.wakeAt).toBe(at('2026-12-03T10:10:00Z') + 100);
  });

  it('keeps the newest finished Jobs of each kind, as the history limits say', () => {
    const done = (i: number, finished: 'Complete' | 'Failed') =>
      job(`j${i}`, {
        finished,
        startedAt: at('2026-12-03T10:00:00Z') + i * 60_000,
        completedAt: at('2026-12-03T10:00:30Z') + i * 60_000,
      });
    const jobs = [1, 2, 3, 4, 5].map((i) => done(i, 'Complete'));
    jobs.push(done(6, 'Failed'), done(7, 'Failed'), done(8, 'Failed'));
    const result = step(cronJob({ suspend: true }), '2026-12-03T10:20:00Z', jobs);
    expect(deleted(result.intents).sort()).toEqual(['j1', 'j2', 'j6', 'j7']);
    expect(result.status.lastSuccessfulTime).toBe('2026-12-03T10:05:30Z');
    const none = step(
      cronJob({ suspend: true, successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 0 }),
      '2026-12-03T10:20:00Z',
      jobs,
    );
    expect(deleted(none.intents)).toHaveLength(8);
  });

  it('reads the schedule in spec.timeZone', () => {
    const cj = cronJob({ schedule: '0 9 * * *', timeZone: 'Europe/Berlin' });
    const result = step(cj, '2026-12-04T08:00:05Z');
    const [made] = created(result.intents);
    expect(made?.metadata?.annotations?.[SCHEDULED_TIMESTAMP_ANNOTATION]).toBe(
      '2026-12-04T09:00:00+01:00',
    );
  });

  it('is level-triggered: the same inputs give the same answer', () => {
    const cj = cronJob();
    expect(step(cj, '2026-12-03T10:05:01Z')).toEqual(step(cj, '2026-12-03T10:05:01Z'));
  });
});

describe('zonedTime', () => {
  it('writes RFC 3339 with the zone offset', () => {
    expect(zonedTime(at('2026-07-01T12:00:00Z'), 'Europe/Berlin')).toBe(
      '2026-07-01T14:00:00+02:00',
    );
    expect(zonedTime(at('2026-07-01T12:00:00Z'), 'UTC')).toBe('2026-07-01T12:00:00Z');
  });
});
