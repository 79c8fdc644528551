// What an environment's verbs name and decide, apart from the engine: `kind/name`
// targets as kubectl writes them (`deploy/web`, `job.batch/migrate`, a bare pod
// name), what a start waits for, and which pod a workload's logs come from.
import type { ApplyResult } from '../pod/apply.js';
import type { PodRecord } from '../pod/records.js';
import type { WorkloadApplyResult } from '../workloads/apply.js';
import type { StoredKind } from '../workloads/labels.js';

export type TargetKind = 'Pod' | StoredKind;

export interface Target {
  kind: TargetKind;
  name: string;
}

const KINDS: Record<string, TargetKind> = {
  pod: 'Pod',
  pods: 'Pod',
  po: 'Pod',
  deployment: 'Deployment',
  deployments: 'Deployment',
  deploy: 'Deployment',
  replicaset: 'ReplicaSet',
  replicasets: 'ReplicaSet',
  rs: 'ReplicaSet',
  daemonset: 'DaemonSet',
  daemonsets: 'DaemonSet',
  ds: 'DaemonSet',
  job: 'Job',
  jobs: 'Job',
  cronjob: 'CronJob',
  cronjobs: 'CronJob',
  cj: 'CronJob',
};

/** `deploy/web`, `deployment.apps/web`, `job/migrate`, `pod/db` or just `db` (a pod). */
export function parseTarget(text: string): Target {
  const slash = text.indexOf('/');
  if (slash < 0) {
    if (text === '') throw new Error('no target given: write kind/name or a pod name');
    return { kind: 'Pod', name: text };
  }
  const written = text.slice(0, slash).toLowerCase();
  const name = text.slice(slash + 1);
  // kubectl's kind.group (deployment.apps, job.batch): the group adds nothing here.
  const kind = KINDS[written.split('.')[0] ?? ''];
  if (!kind || name === '' || name.includes('/')) {
    throw new Error(
      `cannot read target "${text}": write kind/name with kind one of pod, deployment, replicaset, daemonset, job, cronjob`,
    );
  }
  return { kind, name };
}

/**
 * What a start waits for: every pod (Ready or Succeeded) and every workload that
 * gets somewhere (a Deployment rolled out, a ReplicaSet or DaemonSet ready, a Job
 * Complete); a CronJob only runs on its schedule, so nothing of it is waited for.
 */
export function waitTargets(
  applied: readonly Pick<ApplyResult, 'kind' | 'name'>[],
  workloads: readonly Pick<WorkloadApplyResult, 'kind' | 'name'>[],
): Target[] {
  return [
    ...applied.filter((r) => r.kind === 'Pod').map((r) => ({ kind: 'Pod' as const, name: r.name })),
    ...workloads.filter((w) => w.kind !== 'CronJob').map((w) => ({ kind: w.kind, name: w.name })),
  ];
}

/**
 * The pod a workload's logs come from: the newest (a Job's latest attempt, a
 * Deployment's latest replica), running ones before those being deleted.
 */
export function logsPod(records: readonly PodRecord[]): PodRecord | undefined {
  const created = (record: PodRecord) =>
    Date.parse(record.pod?.metadata?.creationTimestamp ?? '') || 0;
  return [...records].sort(
    (a, b) =>
      Number(a.terminating ?? false) - Number(b.terminating ?? false) ||
      created(b) - created(a) ||
      a.name.localeCompare(b.name),
  )[0];
}
