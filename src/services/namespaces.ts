// A Namespace object is its bridge network (podrun_<ns>), the same network the first
// pod of the namespace would create, made under the same lock (docker/networks.ts).
import {
  ensureNetworkId,
  listPodrunNetworks,
  NAMESPACE_OBJECT_LABEL,
  type NetworkHandle,
  removeNetworkIfUnused,
} from '../docker/networks.js';
import { Labels } from '../plan/labels.js';
import { namespaceNetworkName } from '../plan/names.js';
import { planNetwork } from '../plan/network.js';
import { PODRUN_VERSION } from '../version.js';

export interface EnsureNamespaceOptions {
  /** Any image present on the engine: the network lock container is never started. */
  lockImage: string;
  owner?: string;
}

/** The namespace network's ID; `created` when this call made it; its Service range. */
export async function ensureNamespace(
  namespace: string,
  options: EnsureNamespaceOptions,
): Promise<NetworkHandle> {
  const { create } = planNetwork(namespace, PODRUN_VERSION);
  const labels = {
    ...create.Labels,
    // Made for a Namespace object: the supervisor's sweep of networks a killed apply
    // left (docker/networks.ts) leaves it be while it is empty.
    [NAMESPACE_OBJECT_LABEL]: 'true',
    ...(options.owner ? { [Labels.owner]: options.owner } : {}),
  };
  return ensureNetworkId(
    { ...create, Labels: labels },
    { image: options.lockImage, serviceRange: true },
  );
}

export async function namespaceExists(namespace: string): Promise<boolean> {
  const name = namespaceNetworkName(namespace);
  return (await listPodrunNetworks({ [Labels.namespace]: namespace })).some(
    (network) => network.Name === name,
  );
}

/** Remove the namespace's network once nothing (no pod, no Service) uses it. */
export async function removeNamespaceIfUnused(namespace: string): Promise<void> {
  await removeNetworkIfUnused(namespaceNetworkName(namespace));
}
