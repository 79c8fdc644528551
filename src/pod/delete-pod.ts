// Delete a pod as the kubelet stops one: app containers first (in parallel, inside
// the grace period), then native sidecars in reverse order, the sandbox last; then
// the containers, the pod-scoped volumes and, when nothing uses it, the network.
// Claim volumes (PVCs) are kept: their data outlives the pod.
import type Docker from 'dockerode';
import { removeContainer, stopContainer } from '../docker/containers.js';
import { removeNetworkIfUnused } from '../docker/networks.js';
import { listPodrunVolumes, removeVolumeWhenFree } from '../docker/volumes.js';
import { Labels } from '../plan/labels.js';
import { namespaceNetworkName } from '../plan/names.js';
import type { PodRecord } from './records.js';

export const DEFAULT_GRACE_SECONDS = 30;

export function graceSecondsOf(record: PodRecord, override?: number): number {
  if (override !== undefined && override >= 0) return override;
  return record.pod?.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
}

function isRunning(info: Docker.ContainerInfo): boolean {
  return info.State === 'running' || info.State === 'restarting' || info.State === 'paused';
}

async function stopAll(containers: Docker.ContainerInfo[], grace: number): Promise<void> {
  await Promise.all(containers.filter(isRunning).map((info) => stopContainer(info.Id, grace)));
}

export async function deletePodRecord(record: PodRecord, graceOverride?: number): Promise<void> {
  const grace = graceSecondsOf(record, graceOverride);
  const apps = record.containers.filter((info) => info.Labels[Labels.role] === 'app');
  const inits = record.containers.filter((info) => info.Labels[Labels.role] === 'init');
  await stopAll(apps, grace);
  // Sidecars (long-running init containers) stop after the apps, in reverse start order.
  const initOrder = (record.pod?.spec?.initContainers ?? []).map((c) => c.name);
  const byOrderDesc = [...inits].sort(
    (a, b) =>
      initOrder.indexOf(b.Labels[Labels.container] ?? '') -
      initOrder.indexOf(a.Labels[Labels.container] ?? ''),
  );
  for (const info of byOrderDesc) await stopAll([info], grace);
  if (record.sandbox) await stopAll([record.sandbox], 0);
  await Promise.all(record.all.map((info) => removeContainer(info.Id)));

  const volumes = await listPodrunVolumes({
    [Labels.namespace]: record.namespace,
    [Labels.pod]: record.name,
    [Labels.role]: 'volume',
  });
  await Promise.all(volumes.map((volume) => removeVolumeWhenFree(volume.Name)));
  await removeNetworkIfUnused(namespaceNetworkName(record.namespace));
}
