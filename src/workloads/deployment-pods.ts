// The pods of one Deployment (port-forward deploy/NAME): those whose controller is
// one of its ReplicaSets, old and new, so a rollout under way still answers. Read
// from the stored objects and the pods' ownerReferences, not recomputed statuses:
// port-forward asks this for every connection.
import { listPodRecords, type PodRecord } from '../pod/records.js';
import { controllerOf } from './pods.js';
import { listStored } from './store.js';

/** undefined when no such Deployment is stored. */
export async function deploymentPods(
  namespace: string,
  name: string,
): Promise<PodRecord[] | undefined> {
  const [deployments, sets, records] = await Promise.all([
    listStored({ namespace, kind: 'Deployment', name }),
    listStored({ namespace, kind: 'ReplicaSet' }),
    listPodRecords({ namespace }),
  ]);
  const deployment = deployments[0];
  if (!deployment) return undefined;
  const owned = new Set(
    sets.filter((rs) => rs.controllerUid === deployment.uid).map((rs) => rs.uid),
  );
  return records.filter((record) => owned.has(controllerOf(record) ?? ''));
}
