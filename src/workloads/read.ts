// The stored Deployments, ReplicaSets, DaemonSets, Jobs and CronJobs of a namespace with the numbers the API
// would show, recomputed from their pods now (view.ts): what `get`, `apply --wait`
// and `delete` read. The readiness of probed containers comes from the caller (the
// supervisor's report), as for `get pods`.
import type {
  DaemonSet,
  DaemonSetStatus,
  ReplicaSet,
  ReplicaSetStatus,
} from 'kubernetes-types/apps/v1.js';
import type { CronJob, CronJobStatus, Job, JobStatus } from 'kubernetes-types/batch/v1.js';
import { syncDaemonSet } from '../controllers/daemonset.js';
import { syncJob } from '../controllers/job.js';
import { spreadRandom } from '../controllers/names.js';
import type { ProbeReport } from '../pod/probes/report.js';
import { listPodRecords, type PodRecord } from '../pod/records.js';
import { controllerOf, podFactsOf } from './pods.js';
import { listStored, readStoredStatus, type StoredWorkload } from './store.js';
import { type DeploymentNumbers, deploymentNumbers, withStatus } from './view.js';

export interface ReplicaSetView {
  stored: StoredWorkload<'ReplicaSet'>;
  object: ReplicaSet & { status: ReplicaSetStatus };
  pods: PodRecord[];
}

export interface DeploymentView {
  stored: StoredWorkload<'Deployment'>;
  sets: ReplicaSetView[];
  numbers: DeploymentNumbers;
}

/** A DaemonSet or Job with its status as its controller step computes it now. */
export interface OwnerView<K extends 'DaemonSet' | 'Job', T, S> {
  stored: StoredWorkload<K>;
  object: T & { status: S };
  pods: PodRecord[];
}
export type DaemonSetView = OwnerView<'DaemonSet', DaemonSet, DaemonSetStatus>;
export type JobView = OwnerView<'Job', Job, JobStatus>;

/** A CronJob with its stored status and its Jobs' views; `active` recomputed from them. */
export interface CronJobView {
  stored: StoredWorkload<'CronJob'>;
  object: CronJob & { status: CronJobStatus };
  jobs: JobView[];
}

export interface WorkloadViews {
  deployments: DeploymentView[];
  replicaSets: ReplicaSetView[];
  daemonSets: DaemonSetView[];
  jobs: JobView[];
  cronJobs: CronJobView[];
  /** Every pod of the namespace (or namespaces) read. */
  records: PodRecord[];
}

export async function readWorkloads(
  namespace: string | undefined,
  report: ProbeReport = {},
  now = Date.now(),
): Promise<WorkloadViews> {
  const [stored, records] = await Promise.all([
    listStored({ namespace }),
    listPodRecords(namespace === undefined ? {} : { namespace }),
  ]);
  const podsOf = new Map<string, PodRecord[]>();
  for (const record of records) {
    const uid = controllerOf(record);
    if (uid) podsOf.set(uid, [...(podsOf.get(uid) ?? []), record]);
  }
  const replicaSets = stored
    .filter((s): s is StoredWorkload<'ReplicaSet'> => s.kind === 'ReplicaSet')
    .map((rs): ReplicaSetView => {
      const pods = podsOf.get(rs.uid) ?? [];
      const facts = pods.map((record) => podFactsOf(record, report, now));
      return { stored: rs, object: withStatus(rs.object, facts, now), pods };
    });
  const deployments = stored
    .filter((s): s is StoredWorkload<'Deployment'> => s.kind === 'Deployment')
    .map((d): DeploymentView => {
      const sets = replicaSets.filter((rs) => rs.stored.controllerUid === d.uid);
      return {
        stored: d,
        sets,
        numbers: deploymentNumbers(
          d.object,
          sets.map((rs) => rs.object),
        ),
      };
    });
  // The names of pods still to be made are not shown, but a step asked for several must
  // still get distinct ones: a constant here made generateName spin forever.
  const random = spreadRandom();
  const daemonSets = stored
    .filter((s): s is StoredWorkload<'DaemonSet'> => s.kind === 'DaemonSet')
    .map((ds): DaemonSetView => {
      const pods = podsOf.get(ds.uid) ?? [];
      const facts = pods.map((record) => podFactsOf(record, report, now));
      const { status } = syncDaemonSet({ daemonSet: ds.object, pods: facts, now, random });
      return { stored: ds, object: { ...ds.object, status }, pods };
    });
  // A Job's counts and conditions build on what its supervisor stored (the status
  // file): the step run on them and the pods now gives what the supervisor will store.
  const jobs = await Promise.all(
    stored
      .filter((s): s is StoredWorkload<'Job'> => s.kind === 'Job')
      .map(async (job): Promise<JobView> => {
        const pods = podsOf.get(job.uid) ?? [];
        const facts = pods.map((record) => podFactsOf(record, report, now));
        const kept = await readStoredStatus<JobStatus>(job.holderId).catch(() => undefined);
        const object = { ...job.object, status: kept ?? {} };
        // Not started by a supervisor yet: no startTime to show.
        const status = kept
          ? syncJob({ job: object, pods: facts, now, random }).status
          : { active: 0, succeeded: 0, failed: 0 };
        return { stored: job, object: { ...job.object, status }, pods };
      }),
  );
  const cronJobs = await Promise.all(
    stored
      .filter((s): s is StoredWorkload<'CronJob'> => s.kind === 'CronJob')
      .map(async (cj): Promise<CronJobView> => {
        const owned = jobs.filter((j) => j.stored.controllerUid === cj.uid);
        const kept = await readStoredStatus<CronJobStatus>(cj.holderId).catch(() => undefined);
        const { active: _active, ...status } = kept ?? {};
        const running = owned.filter(
          (j) =>
            !(j.object.status.conditions ?? []).some(
              (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
            ),
        );
        if (running.length > 0)
          (status as CronJobStatus).active = running.map((j) => ({
            apiVersion: 'batch/v1',
            kind: 'Job',
            name: j.stored.name,
            namespace: j.stored.namespace,
            uid: j.stored.uid,
          }));
        return { stored: cj, object: { ...cj.object, status }, jobs: owned };
      }),
  );
  return { deployments, replicaSets, daemonSets, jobs, cronJobs, records };
}
