// The table rows of `get deployments|replicasets|daemonsets|jobs|cronjobs`, in
// kubectl's columns (pkg/printers/internalversion printDeployment, printReplicaSet,
// printDaemonSet, printJob, printCronJob): a Deployment's READY ready/desired,
// UP-TO-DATE and AVAILABLE; a ReplicaSet's DESIRED, CURRENT and READY; a DaemonSet's
// counts and its template's node selector; a Job's STATUS from its conditions,
// COMPLETIONS as succeeded/completions (`n/1 of P` without completions and
// parallelism above 1), DURATION from startTime to completionTime (or now); a
// CronJob's schedule, zone, suspend and active count. -o wide adds CONTAINERS, IMAGES
// and SELECTOR to each.
import type {
  DaemonSet,
  DaemonSetStatus,
  Deployment,
  ReplicaSet,
  ReplicaSetStatus,
} from 'kubernetes-types/apps/v1.js';
import type { CronJob, CronJobStatus, Job, JobStatus } from 'kubernetes-types/batch/v1.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { CONTROLLER_UID_LABELS } from '../../controllers/job.js';
import { formatAge } from '../output.js';

export const DEPLOYMENT_HEADER = ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'];
export const REPLICASET_HEADER = ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'];
export const JOB_HEADER = ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE'];
export const DAEMONSET_HEADER = [
  'NAME',
  'DESIRED',
  'CURRENT',
  'READY',
  'UP-TO-DATE',
  'AVAILABLE',
  'NODE SELECTOR',
  'AGE',
];
export const CRONJOB_HEADER = [
  'NAME',
  'SCHEDULE',
  'TIMEZONE',
  'SUSPEND',
  'ACTIVE',
  'LAST SCHEDULE',
  'AGE',
];
export const WIDE_HEADER = ['CONTAINERS', 'IMAGES', 'SELECTOR'];

function has(status: JobStatus, type: string): boolean {
  return (status.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

export function jobStatusCell(status: JobStatus): string {
  if (has(status, 'Complete')) return 'Complete';
  if (has(status, 'Failed')) return 'Failed';
  if (has(status, 'Suspended')) return 'Suspended';
  if (has(status, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

export function completionsCell(job: Job, status: JobStatus): string {
  const succeeded = status.succeeded ?? 0;
  const completions = job.spec?.completions;
  if (completions !== undefined) return `${succeeded}/${completions}`;
  const parallelism = job.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

export function durationCell(status: JobStatus, now: Date): string {
  const start = Date.parse(status.startTime ?? '');
  if (!Number.isFinite(start)) return '';
  const end = Date.parse(status.completionTime ?? '');
  return formatAge(new Date(start), Number.isFinite(end) ? new Date(end) : now);
}

function ageCell(object: { metadata?: { creationTimestamp?: string } }, now: Date): string {
  const created = Date.parse(object.metadata?.creationTimestamp ?? '');
  return Number.isFinite(created) ? formatAge(new Date(created), now) : '<unknown>';
}

/** metav1.FormatLabelSelector: `a=b,c in (d)`, `<none>` for none. */
export function formatLabelSelector(selector: LabelSelector | undefined): string {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector?.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.length > 0 ? parts.join(',') : '<none>';
}

function wideCells(template: PodTemplateSpec | undefined, selector: string): string[] {
  const containers = template?.spec?.containers ?? [];
  return [
    containers.map((c) => c.name).join(','),
    containers.map((c) => c.image ?? '').join(','),
    selector,
  ];
}

/** The selector the API server gives a Job without manualSelector: its controller uid. */
function jobSelector(job: Job): LabelSelector | undefined {
  if (job.spec?.selector) return job.spec.selector;
  const uid = job.metadata?.uid;
  return uid ? { matchLabels: { [CONTROLLER_UID_LABELS[0]]: uid } } : undefined;
}

export function jobRow(job: Job, status: JobStatus, wide: boolean, now = new Date()): string[] {
  return [
    job.metadata?.name ?? '',
    jobStatusCell(status),
    completionsCell(job, status),
    durationCell(status, now),
    ageCell(job, now),
    ...(wide ? wideCells(job.spec?.template, formatLabelSelector(jobSelector(job))) : []),
  ];
}

/** A Deployment's counts as the controller computed them this moment. */
export interface DeploymentNumbers {
  replicas: number;
  ready: number;
  updated: number;
  available: number;
}

export function deploymentRow(
  d: Deployment,
  n: DeploymentNumbers,
  wide: boolean,
  now = new Date(),
): string[] {
  return [
    d.metadata?.name ?? '',
    `${n.ready}/${n.replicas}`,
    String(n.updated),
    String(n.available),
    ageCell(d, now),
    ...(wide ? wideCells(d.spec?.template, formatLabelSelector(d.spec?.selector)) : []),
  ];
}

export function replicaSetRow(
  rs: ReplicaSet,
  status: ReplicaSetStatus,
  wide: boolean,
  now = new Date(),
): string[] {
  return [
    rs.metadata?.name ?? '',
    String(rs.spec?.replicas ?? 1),
    String(status.replicas ?? 0),
    String(status.readyReplicas ?? 0),
    ageCell(rs, now),
    ...(wide ? wideCells(rs.spec?.template, formatLabelSelector(rs.spec?.selector)) : []),
  ];
}

export function daemonSetRow(
  ds: DaemonSet,
  status: DaemonSetStatus,
  wide: boolean,
  now = new Date(),
): string[] {
  const nodeSelector = Object.entries(ds.spec?.template?.spec?.nodeSelector ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return [
    ds.metadata?.name ?? '',
    String(status.desiredNumberScheduled ?? 0),
    String(status.currentNumberScheduled ?? 0),
    String(status.numberReady ?? 0),
    String(status.updatedNumberScheduled ?? 0),
    String(status.numberAvailable ?? 0),
    nodeSelector || '<none>',
    ageCell(ds, now),
    ...(wide ? wideCells(ds.spec?.template, formatLabelSelector(ds.spec?.selector)) : []),
  ];
}

export function cronJobRow(
  cronJob: CronJob,
  status: CronJobStatus,
  wide: boolean,
  now = new Date(),
): string[] {
  const last = Date.parse(status.lastScheduleTime ?? '');
  const jobSpec = cronJob.spec?.jobTemplate.spec;
  return [
    cronJob.metadata?.name ?? '',
    cronJob.spec?.schedule ?? '',
    cronJob.spec?.timeZone ?? '<none>',
    cronJob.spec?.suspend ? 'True' : 'False',
    String(status.active?.length ?? 0),
    Number.isFinite(last) ? formatAge(new Date(last), now) : '<none>',
    ageCell(cronJob, now),
    ...(wide ? wideCells(jobSpec?.template, formatLabelSelector(jobSpec?.selector)) : []),
  ];
}
