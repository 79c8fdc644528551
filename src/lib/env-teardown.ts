// What stopping an environment removes: everything of its namespace, which is its
// own (fresh and unique), so nothing is looked up object by object. Its supervisor
// goes first, so no controller makes a replica while the pods go; then the
// workloads' holders (Deployments, ReplicaSets, Jobs...), the pods (gracefully, all
// at once), the Services, the bundle's ConfigMaps, Secrets and claims, and last what
// is left with the namespace's label (event stores, a DNS resolver) and its network.
import { listPodrunContainers, removeContainer } from '../docker/containers.js';
import { listPodrunVolumes, removeVolumeWhenFree } from '../docker/volumes.js';
import { Labels } from '../plan/labels.js';
import type { ApplyResult } from '../pod/apply.js';
import { deletePodRecord } from '../pod/delete-pod.js';
import { listPodRecords } from '../pod/records.js';
import { listServiceRecords } from '../pod/service-records.js';
import { deleteServiceRecord } from '../services/delete-service.js';
import { removeNamespaceIfUnused } from '../services/namespaces.js';
import { tearDownBundle } from '../services/tear-down.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import { listStored, removeStored } from '../workloads/store.js';

export interface TearDownInput {
  namespace: string;
  supervisor: Supervisor;
  /** What the bundle's apply made (ConfigMaps, Secrets, claims among them). */
  applied: readonly ApplyResult[];
  /** Grace period for the pods; default each pod's terminationGracePeriodSeconds. */
  gracePeriodSeconds?: number;
}

/** Remove everything; the first failure is thrown once every step was tried. */
export async function tearDownEnvironment(input: TearDownInput): Promise<void> {
  const { namespace } = input;
  const errors: unknown[] = [];
  const attempt = async (step: () => Promise<unknown>) => {
    try {
      await step();
    } catch (error) {
      errors.push(error);
    }
  };
  await attempt(() => input.supervisor.stop());
  await attempt(async () =>
    Promise.all((await listStored({ namespace })).map((stored) => removeStored(stored))),
  );
  await attempt(async () =>
    Promise.all(
      (await listPodRecords({ namespace })).map((record) =>
        deletePodRecord(record, input.gracePeriodSeconds),
      ),
    ),
  );
  await attempt(async () =>
    Promise.all((await listServiceRecords({ namespace })).map((s) => deleteServiceRecord(s))),
  );
  await attempt(() =>
    tearDownBundle(input.applied, {
      onError: (line) => errors.push(new Error(line)),
    }),
  );
  await attempt(async () => {
    const filter = { [Labels.namespace]: namespace };
    for (const info of await listPodrunContainers(filter)) await removeContainer(info.Id);
    for (const volume of await listPodrunVolumes(filter)) await removeVolumeWhenFree(volume.Name);
    await removeNamespaceIfUnused(namespace);
  });
  if (errors.length > 0) throw errors[0];
}
