// The stored Deployments and ReplicaSets of a namespace with the numbers the API
// would show, recomputed from their pods now (view.ts): what `get`, `apply --wait`
// and `delete` read. The readiness of probed containers comes from the caller (the
// supervisor's report), as for `get pods`.
import type { ReplicaSet, ReplicaSetStatus } from 'kubernetes-types/apps/v1.js';
import type { ProbeReport } from '../pod/probes/report.js';
import { listPodRecords, type PodRecord } from '../pod/records.js';
import { controllerOf, podFactsOf } from './pods.js';
import { listStored, type StoredWorkload } from './store.js';
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

export interface WorkloadViews {
  deployments: DeploymentView[];
  replicaSets: ReplicaSetView[];
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
  return { deployments, replicaSets, records };
}
