// podrun describe job|cronjob NAME: kubectl's layout (describe.go's JobDescriber and
// CronJobDescriber) over the stored object, the status its controller step computes
// now from the pods (a Job) or its Jobs (a CronJob).

import type { ProbeReport } from '../../pod/probes/report.js';
import { podStatus } from '../../pod/status.js';
import type { CronJobView, JobView } from '../../workloads/read.js';
import type { WorkloadEvent } from '../../workloads/workload-events.js';
import { describeTime, lines, pairs, podTemplate, selectorText } from './describe-layout.js';
import { eventsSection } from './events-table.js';
import { durationCell } from './workload-rows.js';

const JOB_COLUMN = 18;
const CRONJOB_COLUMN = 31;

export function describeJob(
  view: JobView,
  probes: ProbeReport,
  events: readonly WorkloadEvent[],
): string[] {
  const out: string[] = [];
  const job = view.object;
  const status = job.status;
  const spec = job.spec;
  const field = (label: string, values: string[]) => lines(out, label, values, JOB_COLUMN);
  const owner = job.metadata?.ownerReferences?.find((r) => r.controller);
  field('Name', [view.stored.name]);
  field('Namespace', [view.stored.namespace]);
  const uid = job.metadata?.uid ?? '';
  field('Selector', [
    spec?.selector ? selectorText(spec.selector) : `batch.kubernetes.io/controller-uid=${uid}`,
  ]);
  field('Labels', pairs(job.metadata?.labels, '='));
  field('Annotations', pairs(job.metadata?.annotations, ': '));
  if (owner) field('Controlled By', [`${owner.kind}/${owner.name}`]);
  field('Parallelism', [String(spec?.parallelism ?? 1)]);
  field('Completions', [spec?.completions === undefined ? '<unset>' : String(spec.completions)]);
  field('Completion Mode', [spec?.completionMode ?? 'NonIndexed']);
  field('Suspend', [String(spec?.suspend ?? false)]);
  field('Backoff Limit', [String(spec?.backoffLimit ?? 6)]);
  if (spec?.ttlSecondsAfterFinished !== undefined)
    field('TTL Seconds After Finished', [String(spec.ttlSecondsAfterFinished)]);
  if (status.startTime) field('Start Time', [describeTime(status.startTime)]);
  if (status.completionTime) {
    field('Completed At', [describeTime(status.completionTime)]);
    field('Duration', [durationCell(status, new Date())]);
  }
  if (spec?.activeDeadlineSeconds !== undefined)
    field('Active Deadline Seconds', [`${spec.activeDeadlineSeconds}s`]);
  const ready = view.pods.filter((p) => !p.terminating && podStatus(p, probes).ready).length;
  field('Pods Statuses', [
    `${status.active ?? 0} Active (${ready} Ready) / ${status.succeeded ?? 0} Succeeded / ${status.failed ?? 0} Failed`,
  ]);
  if (spec?.completionMode === 'Indexed')
    field('Completed Indexes', [status.completedIndexes || '<none>']);
  podTemplate(out, spec?.template);
  // podrun records no SuccessfulCreate/Completed events for Jobs yet.
  out.push(...eventsSection(events));
  return out;
}

export function describeCronJob(view: CronJobView, events: readonly WorkloadEvent[]): string[] {
  const out: string[] = [];
  const cj = view.object;
  const spec = cj.spec;
  const jobSpec = spec?.jobTemplate.spec;
  const field = (label: string, values: string[], column = CRONJOB_COLUMN) =>
    lines(out, label, values, column);
  const unset = (value: number | undefined, unit = '') =>
    value === undefined ? '<unset>' : `${value}${unit}`;
  field('Name', [view.stored.name]);
  field('Namespace', [view.stored.namespace]);
  field('Labels', pairs(cj.metadata?.labels, '='));
  field('Annotations', pairs(cj.metadata?.annotations, ': '));
  field('Schedule', [spec?.schedule ?? '']);
  if (spec?.timeZone) field('Time Zone', [spec.timeZone]);
  field('Concurrency Policy', [spec?.concurrencyPolicy ?? 'Allow']);
  field('Suspend', [spec?.suspend ? 'True' : 'False']);
  field('Successful Job History Limit', [String(spec?.successfulJobsHistoryLimit ?? 3)]);
  field('Failed Job History Limit', [String(spec?.failedJobsHistoryLimit ?? 1)]);
  field('Starting Deadline Seconds', [unset(spec?.startingDeadlineSeconds, 's')]);
  field('Selector', [jobSpec?.selector ? selectorText(jobSpec.selector) : '<unset>']);
  field('Parallelism', [unset(jobSpec?.parallelism)]);
  field('Completions', [unset(jobSpec?.completions)]);
  if (jobSpec?.activeDeadlineSeconds !== undefined)
    field('Active Deadline Seconds', [`${jobSpec.activeDeadlineSeconds}s`]);
  podTemplate(out, jobSpec?.template);
  field('Last Schedule Time', [describeTime(cj.status.lastScheduleTime, '<unset>')], 21);
  field('Active Jobs', [(cj.status.active ?? []).map((r) => r.name).join(', ') || '<none>'], 21);
  // podrun records no SuccessfulCreate/SawCompletedJob events for CronJobs yet.
  out.push(...eventsSection(events));
  return out;
}
