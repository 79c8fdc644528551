// Read Services back from Docker. Labels are the only state, as for pods: a Service
// is its proxy container (role=service), which carries the Service as applied (with
// the node ports it was assigned) in a label. Its address on the namespace network
// is the ClusterIP (on a network with a Service range, podrun chose it and the proxy
// carries it in a label, so it is known before the proxy starts and while it is
// stopped); its published ports are the host side of LoadBalancer and NodePort. A headless Service has a holder container instead, created and never
// started, on no network.
import type Docker from 'dockerode';
import type { Service } from 'kubernetes-types/core/v1.js';
import { listPodrunContainers } from '../docker/containers.js';
import { Labels } from '../plan/labels.js';
import { namespaceNetworkName } from '../plan/names.js';
import { CLUSTER_IP_LABEL } from '../plan/service-address.js';
import { LifecycleLabels } from './lifecycle/labels.js';

/** One host binding of the proxy: 127.0.0.1:hostPort -> the Service's port. */
export interface ServiceHostPort {
  /** The Service port the proxy listens on. */
  port: number;
  protocol: 'TCP' | 'UDP';
  hostIP: string;
  hostPort: number;
}

export interface ServiceRecord {
  namespace: string;
  name: string;
  /** The Service as applied, node ports assigned (the container's manifest label). */
  service: Service;
  /** The spec hash of the Service as written (apply compares it). */
  specHash: string;
  /**
   * The proxy's IP on the namespace network: the fixed one podrun gave it, else the
   * one the engine gave it; 'None' when headless; '' while it has none.
   */
  clusterIP: string;
  hostPorts: ServiceHostPort[];
  containerId: string;
  /** The proxy container's engine state: running, exited, created ... */
  state: string;
  createdAt: Date;
  /** The library's process session (reaper), when a library applied it. */
  owner?: string;
  /** The supervision scope (io.podrun.supervised) when a supervisor looks after it. */
  supervised?: string;
  /** The container as listed, for callers that need more. */
  info: Docker.ContainerInfo;
}

export interface ServiceSelector {
  namespace?: string;
  name?: string;
}

/** A record from one listed proxy container; undefined for a container without a Service label. */
export function serviceRecordOf(info: Docker.ContainerInfo): ServiceRecord | undefined {
  const namespace = info.Labels[Labels.namespace];
  const name = info.Labels[Labels.service];
  const manifest = info.Labels[Labels.serviceManifest];
  if (!namespace || !name || !manifest) return undefined;
  let service: Service;
  try {
    service = JSON.parse(manifest) as Service;
  } catch {
    return undefined;
  }
  const headless = service.spec?.clusterIP === 'None';
  const networks = info.NetworkSettings?.Networks ?? {};
  const stamp = service.metadata?.creationTimestamp;
  const parsed = stamp ? Date.parse(stamp) : Number.NaN;
  const seen = new Set<string>();
  const hostPorts: ServiceHostPort[] = [];
  for (const port of info.Ports ?? []) {
    if (!port.PublicPort) continue;
    const key = `${port.PrivatePort}/${port.Type}/${port.PublicPort}`;
    // The engine lists a binding once per address family.
    if (seen.has(key)) continue;
    seen.add(key);
    hostPorts.push({
      port: port.PrivatePort,
      protocol: port.Type === 'udp' ? 'UDP' : 'TCP',
      hostIP: port.IP || '127.0.0.1',
      hostPort: port.PublicPort,
    });
  }
  hostPorts.sort((a, b) => a.port - b.port || a.hostPort - b.hostPort);
  return {
    namespace,
    name,
    service,
    specHash: info.Labels[Labels.specHash] ?? '',
    clusterIP: headless
      ? 'None'
      : info.Labels[CLUSTER_IP_LABEL] ||
        (networks[namespaceNetworkName(namespace)]?.IPAddress ?? ''),
    hostPorts,
    containerId: info.Id,
    state: info.State,
    createdAt: Number.isNaN(parsed) ? new Date(info.Created * 1000) : new Date(parsed),
    owner: info.Labels[Labels.owner],
    supervised: info.Labels[LifecycleLabels.supervised],
    info,
  };
}

/** Services on the engine, sorted by namespace and name. */
export async function listServiceRecords(selector: ServiceSelector = {}): Promise<ServiceRecord[]> {
  const containers = await listPodrunContainers({
    [Labels.role]: 'service',
    [Labels.namespace]: selector.namespace,
    [Labels.service]: selector.name,
  });
  const records = containers
    .map(serviceRecordOf)
    .filter((record): record is ServiceRecord => record !== undefined);
  records.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  return records;
}

export async function findServiceRecord(
  namespace: string,
  name: string,
): Promise<ServiceRecord | undefined> {
  const [record] = await listServiceRecords({ namespace, name });
  return record;
}

/** Services supervised in this scope, optionally of one namespace. */
export async function listSupervisedServiceRecords(
  scope: string,
  namespace?: string,
): Promise<ServiceRecord[]> {
  return (await listServiceRecords({ namespace })).filter((record) => record.supervised === scope);
}
