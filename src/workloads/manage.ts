// What the CLI does to a stored Deployment, ReplicaSet, DaemonSet, Job or CronJob besides apply: delete it with
// everything it owns (foreground cascade: its ReplicaSets or Jobs, then their pods through the
// delete fence), change its replicas (a new version of its holder, as apply writes
// one), and wait for it to be rolled out. The supervisor's garbage collection
// (sync.ts) removes whatever a step under way made for an owner deleted meanwhile.
import { cronJobOwner, INSTANTIATE_ANNOTATION, jobFromCronJob } from '../controllers/cronjob.js';
import { deletePodRecord } from '../pod/delete-pod.js';
import type { ProbeReport } from '../pod/probes/report.js';
import { listPodRecords, type PodRecord } from '../pod/records.js';
import { storedObject } from './apply.js';
import { qualifiedName, type ReplicatedKind, type StoredKind } from './labels.js';
import { controllerOf } from './pods.js';
import { readWorkloads, type WorkloadViews } from './read.js';
import {
  findStored,
  listStored,
  removeStored,
  StoreConflictError,
  type StoredWorkload,
  workloadSpecHash,
  writeStored,
} from './store.js';

/** Delete the object and what it owns; false if there is no such object. */
export async function deleteWorkload(
  kind: StoredKind,
  namespace: string,
  name: string,
  options: { gracePeriod?: number } = {},
): Promise<boolean> {
  const stored = await findStored(kind, namespace, name);
  if (!stored) return false;
  await removeStored(stored);
  const children = await ownedObjects(stored);
  await Promise.all(children.map((child) => removeStored(child)));
  const uids = new Set([stored.uid, ...children.map((child) => child.uid)]);
  const pods = (await listPodRecords({ namespace })).filter((record) => {
    const uid = controllerOf(record);
    return uid !== undefined && uids.has(uid);
  });
  await Promise.all(pods.map((record) => deletePodRecord(record, options.gracePeriod)));
  return true;
}

/** The stored objects a Deployment (its ReplicaSets) or a CronJob (its Jobs) owns. */
async function ownedObjects(owner: StoredWorkload): Promise<StoredWorkload[]> {
  const kind =
    owner.kind === 'Deployment' ? 'ReplicaSet' : owner.kind === 'CronJob' ? 'Job' : undefined;
  if (!kind) return [];
  return (await listStored({ kind, namespace: owner.namespace })).filter(
    (child) => child.controllerUid === owner.uid,
  );
}

/** The pods the object owns now; undefined if there is no such object. */
export async function workloadPods(
  kind: StoredKind,
  namespace: string,
  name: string,
): Promise<PodRecord[] | undefined> {
  const stored = await findStored(kind, namespace, name);
  if (!stored) return undefined;
  const uids = new Set([stored.uid, ...(await ownedObjects(stored)).map((child) => child.uid)]);
  return (await listPodRecords({ namespace })).filter((record) => {
    const uid = controllerOf(record);
    return uid !== undefined && uids.has(uid);
  });
}

const WRITE_TRIES = 5;

/** Set spec.replicas (a new version of the holder); false if there is no such object. */
export async function scaleWorkload(
  kind: ReplicatedKind,
  namespace: string,
  name: string,
  replicas: number,
): Promise<boolean> {
  for (let tries = 0; ; tries++) {
    const stored = await findStored(kind, namespace, name);
    if (!stored) return false;
    if ((stored.object.spec?.replicas ?? 1) === replicas) return true;
    const object = structuredClone(stored.object);
    object.spec = { ...object.spec!, replicas };
    object.metadata = {
      ...object.metadata,
      generation: (object.metadata?.generation ?? 1) + 1,
    };
    try {
      await writeStored(kind, object, {
        previous: stored,
        scope: stored.scope,
        owner: stored.owner,
        specHash: workloadSpecHash(object),
      });
      return true;
    } catch (error) {
      if (!(error instanceof StoreConflictError) || tries >= WRITE_TRIES) throw error;
    }
  }
}

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  probes: (namespace: string) => Promise<ProbeReport>;
  intervalMs?: number;
  /**
   * How the views are read (default readWorkloads): a caller waiting for several
   * workloads at once shares one read per interval instead of one per workload.
   */
  read?: (namespace: string, report: ProbeReport) => Promise<WorkloadViews>;
}

/** A Job that ended Failed: `apply --wait` and `up` fail with its reason. */
export class JobFailedError extends Error {
  override name = 'JobFailedError';
}

/**
 * Until a Deployment's rollout is complete (every replica updated and available, no
 * old pod left: it is Available), a ReplicaSet has all its replicas Ready, a DaemonSet
 * its pod updated and available, or a Job is Complete (JobFailedError once Failed).
 */
export async function waitForWorkload(
  kind: StoredKind,
  namespace: string,
  name: string,
  options: WaitOptions,
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let last = 'not found';
  for (;;) {
    if (options.signal?.aborted) throw options.signal.reason;
    const views = await (options.read ?? readWorkloads)(namespace, await options.probes(namespace));
    if (kind === 'Deployment') {
      const view = views.deployments.find((d) => d.stored.name === name);
      if (view?.numbers.complete) return;
      if (view) {
        const n = view.numbers;
        last = `${n.updated} of ${n.replicas} updated replicas, ${n.available} available`;
      }
    } else if (kind === 'Job') {
      const view = views.jobs.find((j) => j.stored.name === name);
      const status = view?.object.status;
      const failed = status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
      if (failed)
        throw new JobFailedError(
          `${qualifiedName(kind, name)} failed: ${failed.reason}: ${failed.message ?? ''}`.trim(),
        );
      if (status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True')) return;
      if (view)
        last = `${status?.succeeded ?? 0} of ${view.object.spec?.completions ?? 1} completions, ${status?.active ?? 0} active`;
    } else if (kind === 'DaemonSet') {
      const view = views.daemonSets.find((ds) => ds.stored.name === name);
      const status = view?.object.status;
      if (status && status.updatedNumberScheduled === 1 && status.numberAvailable === 1) return;
      if (view) last = `${status?.numberReady ?? 0} of 1 pods ready`;
    } else {
      const view = views.replicaSets.find((rs) => rs.stored.name === name);
      const wanted = view?.object.spec?.replicas ?? 1;
      if (
        view &&
        view.object.status.readyReplicas === wanted &&
        view.object.status.replicas === wanted
      )
        return;
      if (view) last = `${view.object.status.readyReplicas ?? 0} of ${wanted} replicas ready`;
    }
    if (Date.now() >= deadline)
      throw new Error(
        `${qualifiedName(kind, name)} is not ${kind === 'Job' ? 'complete' : 'rolled out'}: ${last} (timed out)`,
      );
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
  }
}

/** The Job name is taken: `create job` says so as kubectl does. */
export class WorkloadExistsError extends Error {
  override name = 'WorkloadExistsError';
}

/**
 * kubectl create job NAME --from=cronjob/CRONJOB: a Job made now from the CronJob's
 * jobTemplate, marked as instantiated by hand and owned by the CronJob (so deleting
 * the CronJob removes it, and its history limits count it). Undefined if there is no
 * such CronJob.
 */
export async function createJobFromCronJob(
  namespace: string,
  cronJobName: string,
  jobName: string,
): Promise<StoredWorkload<'Job'> | undefined> {
  const cj = await findStored('CronJob', namespace, cronJobName);
  if (!cj) return undefined;
  if (await findStored('Job', namespace, jobName))
    throw new WorkloadExistsError(`jobs.batch "${jobName}" already exists`);
  const job = storedObject(
    jobFromCronJob(cj.object, jobName, { [INSTANTIATE_ANNOTATION]: 'manual' }),
    undefined,
    new Date(),
  );
  try {
    return await writeStored('Job', job, {
      scope: cj.scope,
      owner: cj.owner,
      specHash: workloadSpecHash(job),
      controller: cronJobOwner(cj.object),
    });
  } catch (error) {
    if (error instanceof StoreConflictError)
      throw new WorkloadExistsError(`jobs.batch "${jobName}" already exists`);
    throw error;
  }
}
