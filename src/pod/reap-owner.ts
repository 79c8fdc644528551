// Remove everything one owner session (a library process) created: its pods (containers of every role,
// joiners included), its Services' proxies, their volumes, the claim and config volumes it created, and the
// namespace networks it used once nothing else uses them. Objects of other owners and
// objects without an owner label (the CLI's) are never touched.
import { listPodrunContainers, removeContainer } from '../docker/containers.js';
import { isConflict } from '../docker/errors.js';
import { listPodrunNetworks, removeNetworkIfUnused } from '../docker/networks.js';
import { listPodrunVolumes, removeVolume } from '../docker/volumes.js';
import { Labels } from '../plan/labels.js';
import { namespaceNetworkName } from '../plan/names.js';
import { deletePodRecord } from './delete-pod.js';
import { groupPodRecords } from './records.js';

export interface ReapSummary {
  pods: number;
  volumes: number;
}

export async function reapOwner(owner: string): Promise<ReapSummary> {
  const containers = await listPodrunContainers({ [Labels.owner]: owner });
  const records = groupPodRecords(containers);
  const namespaces = new Set(records.map((record) => record.namespace));
  await Promise.all(records.map((record) => deletePodRecord(record, 0)));
  // What no pod record holds: an event store whose pod went while it was written, and
  // Services' proxy containers (role=service), whose networks go below too.
  const left = await listPodrunContainers({ [Labels.owner]: owner });
  for (const info of left) {
    const namespace = info.Labels[Labels.namespace];
    if (namespace) namespaces.add(namespace);
  }
  await Promise.all(left.map((info) => removeContainer(info.Id)));

  const volumes = await listPodrunVolumes({ [Labels.owner]: owner });
  let removed = 0;
  for (const volume of volumes) {
    const namespace = volume.Labels?.[Labels.namespace];
    if (namespace) namespaces.add(namespace);
    try {
      await removeVolume(volume.Name);
      removed++;
    } catch (error) {
      // Still mounted by a pod of someone else (a shared claim): leave it to them.
      if (!isConflict(error)) throw error;
    }
  }
  // Networks a Namespace object of this owner made, even if nothing ever joined them.
  for (const network of await listPodrunNetworks({ [Labels.owner]: owner })) {
    const namespace = network.Labels?.[Labels.namespace];
    if (namespace) namespaces.add(namespace);
  }
  for (const namespace of namespaces) {
    await removeNetworkIfUnused(namespaceNetworkName(namespace));
  }
  return { pods: records.length, volumes: removed };
}
