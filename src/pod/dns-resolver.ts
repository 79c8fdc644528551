// Read a namespace's resolver back from Docker (src/plan/headless-dns.ts): its
// container, found by its labels, and its address on the namespace network, which a
// pod planned to use it writes into its resolv.conf at sandbox start.
import type Docker from 'dockerode';
import { listPodrunContainers, startContainer } from '../docker/containers.js';
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

/**
 * The resolver's address, undefined when the namespace has none. One that exited (an
 * engine restart stops it with the pods) is started first: a pod rebuilt before the
 * supervisor's endpoints step restarts it would otherwise miss it. Its records are in
 * its own file system, so it answers as before; its address may be a new one, which
 * is why every sandbox start asks.
 */
export async function namespaceResolverIP(namespace: string): Promise<string | undefined> {
  const [record] = await listResolverRecords(namespace);
  if (!record) return undefined;
  if (record.state === 'running' && record.ip) return record.ip;
  if (record.state !== 'exited' && record.state !== 'created') return undefined;
  await startContainer(record.containerId).catch(() => undefined);
  const [again] = await listResolverRecords(namespace);
  return again?.state === 'running' && again.ip ? again.ip : undefined;
}
