// Read pods back from Docker. Labels are the only state: a pod is the set of podrun
// containers sharing the io.podrun.namespace and io.podrun.pod labels; the sandbox
// carries the pod as applied.
import type Docker from 'dockerode';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { listPodrunContainers } from '../docker/containers.js';
import { Labels } from '../plan/labels.js';

export interface PodRecord {
  namespace: string;
  name: string;
  uid: string;
  specHash: string;
  owner?: string;
  /** The pod as applied (from the sandbox label); undefined if the sandbox is gone. */
  pod?: Pod;
  /** The newest sandbox container. */
  sandbox?: Docker.ContainerInfo;
  /** Init and app containers, every attempt, newest first. */
  containers: Docker.ContainerInfo[];
  /** Every container of the pod, sandbox included. */
  all: Docker.ContainerInfo[];
  createdAt: Date;
}

export interface PodSelector {
  namespace?: string;
  name?: string;
}

function attemptOf(info: Docker.ContainerInfo): number {
  return Number(info.Labels[Labels.attempt] ?? 0);
}

export async function listPodRecords(selector: PodSelector = {}): Promise<PodRecord[]> {
  const containers = await listPodrunContainers({
    [Labels.namespace]: selector.namespace,
    [Labels.pod]: selector.name,
  });
  return groupPodRecords(containers);
}

export function groupPodRecords(containers: Docker.ContainerInfo[]): PodRecord[] {
  const groups = new Map<string, Docker.ContainerInfo[]>();
  for (const info of containers) {
    const namespace = info.Labels[Labels.namespace];
    const name = info.Labels[Labels.pod];
    if (!namespace || !name) continue;
    const key = `${namespace}/${name}`;
    const group = groups.get(key) ?? [];
    group.push(info);
    groups.set(key, group);
  }
  const records: PodRecord[] = [];
  for (const group of groups.values()) {
    group.sort((a, b) => attemptOf(b) - attemptOf(a) || b.Created - a.Created);
    const sandbox = group.find((info) => info.Labels[Labels.role] === 'sandbox');
    const first = sandbox ?? group[0]!;
    const manifest = sandbox?.Labels[Labels.podManifest];
    records.push({
      namespace: first.Labels[Labels.namespace]!,
      name: first.Labels[Labels.pod]!,
      uid: first.Labels[Labels.podUid] ?? '',
      specHash: sandbox?.Labels[Labels.specHash] ?? '',
      owner: first.Labels[Labels.owner],
      pod: manifest ? (JSON.parse(manifest) as Pod) : undefined,
      sandbox,
      containers: group.filter((info) => info.Labels[Labels.role] !== 'sandbox'),
      all: group,
      createdAt: new Date(Math.min(...group.map((info) => info.Created)) * 1000),
    });
  }
  records.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  return records;
}

export async function findPodRecord(
  namespace: string,
  name: string,
): Promise<PodRecord | undefined> {
  const [record] = await listPodRecords({ namespace, name });
  return record;
}
