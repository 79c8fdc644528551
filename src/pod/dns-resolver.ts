// Read a namespace's resolver back from Docker (src/plan/headless-dns.ts): its
// container, found by its labels, and its address on the namespace network, which a
// pod planned to use it writes into its resolv.conf at sandbox start.
import type Docker from 'dockerode';
import { listPodrunContainers } from '../docker/containers.js';
import { RESOLVER_ROLE } from '../plan/headless-dns.js';
import { Labels } from '../plan/labels.js';
import { namespaceNetworkName } from '../plan/names.js';
import { LifecycleLabels } from './lifecycle/labels.js';

export interface ResolverRecord {
  namespace: string;
  containerId: string;
  /** running, exited, created ... */
  state: string;
  /** Its address on the namespace network; '' while it has none. */
  ip: string;
  /** The supervision scope (io.podrun.supervised) of the Service that made it. */
  supervised?: string;
  info: Docker.ContainerInfo;
}

export function resolverRecordOf(info: Docker.ContainerInfo): ResolverRecord | undefined {
  const namespace = info.Labels[Labels.namespace];
  if (!namespace || info.Labels[Labels.role] !== RESOLVER_ROLE) return undefined;
  const networks = info.NetworkSettings?.Networks ?? {};
  return {
    namespace,
    containerId: info.Id,
    state: info.State,
    ip: networks[namespaceNetworkName(namespace)]?.IPAddress ?? '',
    supervised: info.Labels[LifecycleLabels.supervised],
    info,
  };
}

/** Resolvers on the engine, of one namespace or all. */
export async function listResolverRecords(namespace?: string): Promise<ResolverRecord[]> {
  const containers = await listPodrunContainers({
    [Labels.role]: RESOLVER_ROLE,
    [Labels.namespace]: namespace,
  });
  return containers
    .map(resolverRecordOf)
    .filter((record): record is ResolverRecord => record !== undefined);
}

/** The running resolver's address, undefined when the namespace has none. */
export async function namespaceResolverIP(namespace: string): Promise<string | undefined> {
  const records = await listResolverRecords(namespace);
  return records.find((record) => record.state === 'running' && record.ip)?.ip;
}
