// The CronJob controller's sync (pkg/controller/cronjob, its v2 controller) as a pure
// function of the CronJob (with the status the previous step stored), the Jobs it owns
// and the clock: at each scheduled time make the Job `<cronjob>-<minutes since the
// epoch>` from spec.jobTemplate, unless it is suspended, the run is later than
// startingDeadlineSeconds allows, or concurrencyPolicy says so (Forbid: not while one
// runs, and the run is made once it ends if still within the deadline; Replace: the
// running ones are deleted first); keep successfulJobsHistoryLimit (3) and
// failedJobsHistoryLimit (1) finished Jobs, delete the older ones. The Jobs then run
// as any Job does (job.ts).
import type { CronJob, CronJobStatus, Job } from 'kubernetes-types/batch/v1.js';
import type { ObjectReference } from 'kubernetes-types/core/v1.js';
import {
  type CronSchedule,
  localTimeZone,
  nextRun,
  parseCronSchedule,
  runsBetween,
} from '../manifest/cron-schedule.js';
import { apiTime } from './facts.js';
import {
  type ControllerIntent,
  type ControllerStep,
  controllerReference,
  type Owner,
} from './intents.js';

export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
/** kubectl create job --from=cronjob/x marks the Job it makes so. */
export const INSTANTIATE_ANNOTATION = 'cronjob.kubernetes.io/instantiate';

const DEFAULT_SUCCESSFUL_HISTORY = 3;
const DEFAULT_FAILED_HISTORY = 1;
/** Past this many missed runs the controller stops counting (and warns). */
const MISSED_RUNS_LIMIT = 100;
/** The controller wakes a little after the scheduled minute, not on its edge. */
const WAKE_DELAY_MS = 100;

/** What the CronJob controller sees of one of its Jobs. */
export interface OwnedJob {
  name: string;
  uid?: string;
  createdAt: number;
  /** The Job's Complete or Failed condition, once it has one. */
  finished?: 'Complete' | 'Failed';
  /** When the Job started (its status.startTime), else when it was created. */
  startedAt?: number;
  /** When it completed (status.completionTime). */
  completedAt?: number;
}

export interface CronJobInput {
  /** The CronJob, metadata.uid and creationTimestamp set, with its stored status. */
  cronJob: CronJob;
  jobs: readonly OwnedJob[];
  now: number;
  /** The zone a CronJob without spec.timeZone runs in (the controller's own). */
  localZone?: string;
}

export function cronJobOwner(cronJob: CronJob): Owner {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    name: cronJob.metadata?.name ?? '',
    uid: cronJob.metadata?.uid,
  };
}

/** The name of the Job for the run at `scheduled` (ms): `<cronjob>-<minutes since the epoch>`. */
export function cronJobRunName(cronJob: CronJob, scheduled: number): string {
  return `${cronJob.metadata?.name ?? ''}-${Math.floor(scheduled / 60_000)}`;
}

/**
 * The Job made from the CronJob's jobTemplate, named `name`, owned by the CronJob:
 * the template's labels and annotations, plus what the controller adds.
 */
export function jobFromCronJob(
  cronJob: CronJob,
  name: string,
  annotations: Record<string, string>,
): Job {
  const template = structuredClone(cronJob.spec?.jobTemplate ?? {});
  const owner = cronJobOwner(cronJob);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: cronJob.metadata?.namespace,
      ...(template.metadata?.labels ? { labels: template.metadata.labels } : {}),
      annotations: { ...template.metadata?.annotations, ...annotations },
      ownerReferences: [controllerReference(owner)],
    },
    spec: template.spec ?? { template: {} },
  };
}

/** RFC 3339 in `timeZone` (`2026-12-03T14:05:00+01:00`), as the scheduled-timestamp annotation. */
export function zonedTime(ms: number, timeZone: string): string {
  const parts: Record<string, string> = {};
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'longOffset',
  });
  for (const part of format.formatToParts(ms)) parts[part.type] = part.value;
  // Go's RFC 3339 writes a zero offset as Z.
  const offset = (parts.timeZoneName ?? 'GMT').replace('GMT', '');
  const zone = offset === '' || offset === '+00:00' ? 'Z' : offset;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${zone}`;
}

export function syncCronJob(input: CronJobInput): ControllerStep<CronJobStatus> {
  const { cronJob, jobs, now } = input;
  const spec = cronJob.spec;
  const intents: ControllerIntent[] = [];
  const status: CronJobStatus = { ...structuredClone(cronJob.status ?? {}) };
  const deleteJob = (job: OwnedJob, reason: string) =>
    intents.push({ kind: 'delete-job', name: job.name, reason });

  const active = jobs.filter((j) => !j.finished).sort((a, b) => a.name.localeCompare(b.name));
  const succeeded = jobs.filter((j) => j.finished === 'Complete');
  const lastSuccess = Math.max(
    Date.parse(status.lastSuccessfulTime ?? '') || 0,
    ...succeeded.map((j) => j.completedAt ?? 0),
  );
  if (lastSuccess > 0) status.lastSuccessfulTime = apiTime(lastSuccess);

  // History: the newest finished Jobs of each kind stay, the older ones go.
  const byStart = (a: OwnedJob, b: OwnedJob) =>
    (a.startedAt ?? a.createdAt) - (b.startedAt ?? b.createdAt);
  const trim = (list: OwnedJob[], keep: number, reason: string) => {
    const sorted = [...list].sort(byStart);
    for (const job of sorted.slice(0, Math.max(0, sorted.length - keep))) deleteJob(job, reason);
  };
  trim(
    succeeded,
    spec?.successfulJobsHistoryLimit ?? DEFAULT_SUCCESSFUL_HISTORY,
    'successfulJobsHistoryLimit',
  );
  trim(
    jobs.filter((j) => j.finished === 'Failed'),
    spec?.failedJobsHistoryLimit ?? DEFAULT_FAILED_HISTORY,
    'failedJobsHistoryLimit',
  );

  const reference = (name: string, uid?: string): ObjectReference => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    name,
    namespace: cronJob.metadata?.namespace,
    ...(uid ? { uid } : {}),
  });
  const setActive = (list: readonly { name: string; uid?: string }[]) => {
    if (list.length > 0) status.active = list.map((j) => reference(j.name, j.uid));
    else delete status.active;
  };
  setActive(active);

  let schedule: CronSchedule;
  try {
    schedule = parseCronSchedule(spec?.schedule ?? '');
  } catch {
    return { intents, status }; // validation refuses it; a stored one can only wait
  }
  const timeZone = spec?.timeZone ?? input.localZone ?? localTimeZone();
  const wakeAfter = (t: number) => {
    const next = nextRun(schedule, t, timeZone);
    return next === undefined ? undefined : next + WAKE_DELAY_MS;
  };
  const done = (): ControllerStep<CronJobStatus> => {
    const wakeAt = wakeAfter(now);
    return { intents, status, ...(wakeAt === undefined ? {} : { wakeAt }) };
  };
  if (spec?.suspend) return { intents, status };

  // The most recent run due and not yet made: after the last one made (or the
  // creation), and no earlier than startingDeadlineSeconds ago.
  const created = Date.parse(cronJob.metadata?.creationTimestamp ?? '') || now;
  let since = Date.parse(status.lastScheduleTime ?? '') || created;
  const deadline = spec?.startingDeadlineSeconds;
  if (deadline !== undefined) since = Math.max(since, now - deadline * 1000);
  const { latest: scheduled } = runsBetween(schedule, since, now, timeZone, MISSED_RUNS_LIMIT);
  if (scheduled === undefined) return done();
  if (deadline !== undefined && scheduled + deadline * 1000 < now) return done(); // missed its window

  const name = cronJobRunName(cronJob, scheduled);
  if (jobs.some((j) => j.name === name)) {
    status.lastScheduleTime = apiTime(scheduled);
    return done();
  }
  const policy = spec?.concurrencyPolicy ?? 'Allow';
  // Forbid: the run waits (lastScheduleTime unchanged) and is made when the active one ends.
  if (policy === 'Forbid' && active.length > 0) return done();
  if (policy === 'Replace') for (const job of active) deleteJob(job, 'concurrencyPolicy Replace');

  intents.push({
    kind: 'create-job',
    job: jobFromCronJob(cronJob, name, {
      [SCHEDULED_TIMESTAMP_ANNOTATION]: zonedTime(scheduled, timeZone),
    }),
  });
  setActive([...(policy === 'Replace' ? [] : active), { name }]);
  status.lastScheduleTime = apiTime(scheduled);
  return done();
}
