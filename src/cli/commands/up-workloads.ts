// The workloads of `podrun up` (Deployments, ReplicaSets, DaemonSets, Jobs, CronJobs):
// stored for the supervisor to run, as `apply` stores them; their pods' logs followed
// as they come; `up` ends by itself only when all it runs can finish (Jobs, not a
// Deployment or CronJob, which run until Ctrl-C); and at the end they go, with
// everything they own, before the rest of the bundle.
import type { ManifestSet } from '../../manifest/types.js';
import type { PodRecord } from '../../pod/records.js';
import { supervisorNamespaceProbes } from '../../supervisor/client.js';
import { applyWorkloads, type WorkloadApplyResult } from '../../workloads/apply.js';
import { qualifiedName } from '../../workloads/labels.js';
import { deleteWorkload, workloadPods } from '../../workloads/manage.js';
import { readWorkloads } from '../../workloads/read.js';

export function storeUpWorkloads(
  set: ManifestSet,
  scope: string | undefined,
): Promise<WorkloadApplyResult[]> {
  return applyWorkloads(set.workloads, { supervise: scope }).then((r) => r.results);
}

/** The pods the workloads own now (their controllers add and replace them). */
export async function upWorkloadPods(
  workloads: readonly WorkloadApplyResult[],
): Promise<PodRecord[]> {
  const lists = await Promise.all(
    workloads.map((w) => workloadPods(w.kind, w.namespace, w.name).then((pods) => pods ?? [])),
  );
  return lists.flat();
}

export interface WorkloadsOutcome {
  /** Everything the workloads run has finished: only Jobs, each Complete or Failed. */
  finished: boolean;
  /** Every Job Complete. */
  succeeded: boolean;
  /** One line per Job that Failed. */
  failures: string[];
}

/**
 * Whether the workloads let `up` end: a Deployment, ReplicaSet, DaemonSet or CronJob
 * runs until stopped, so never; Jobs once each is Complete or Failed.
 */
export async function upWorkloadsOutcome(
  workloads: readonly WorkloadApplyResult[],
): Promise<WorkloadsOutcome> {
  const outcome: WorkloadsOutcome = { finished: true, succeeded: true, failures: [] };
  if (workloads.some((w) => w.kind !== 'Job'))
    return { finished: false, succeeded: false, failures: [] };
  for (const namespace of new Set(workloads.map((w) => w.namespace))) {
    const views = await readWorkloads(namespace, await supervisorNamespaceProbes(namespace));
    for (const w of workloads.filter((w) => w.namespace === namespace)) {
      const conditions = views.jobs.find((j) => j.stored.name === w.name)?.object.status.conditions;
      const ended = conditions?.find(
        (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
      );
      if (!ended) return { finished: false, succeeded: false, failures: [] };
      if (ended.type === 'Failed') {
        outcome.succeeded = false;
        outcome.failures.push(`${qualifiedName(w.kind, w.name)} failed: ${ended.reason ?? ''}`);
      }
    }
  }
  return outcome;
}

/** Delete each workload with what it owns (its pods through the delete fence). */
export async function tearDownWorkloads(
  workloads: readonly WorkloadApplyResult[],
  options: { onLine: (line: string) => void; onError: (line: string) => void },
): Promise<void> {
  for (const w of workloads) {
    try {
      options.onLine(`stopping ${qualifiedName(w.kind, w.name)}`);
      await deleteWorkload(w.kind, w.namespace, w.name);
    } catch (error) {
      options.onError(
        `could not remove ${qualifiedName(w.kind, w.name)}: ${(error as Error).message}`,
      );
    }
  }
}
