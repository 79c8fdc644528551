// Delete a pod as the kubelet stops one: app containers first (in parallel, each
// running its preStop hook inside the grace period), then native sidecars in reverse
// order, the sandbox last; then the containers, the pod-scoped volumes and, when
// nothing uses it, the network. Claim volumes (PVCs) are kept: their data outlives
// the pod.
//
// First of all a TERMINATING marker container (created, never started) joins the
// pod: every supervisor and `podrun up` sees it and stops restarting anything, and
// `get pods` shows Terminating. It is removed last.
import type Docker from 'dockerode';
import type { Container } from 'kubernetes-types/core/v1.js';
import { listPodrunContainers, removeContainer } from '../docker/containers.js';
import { removeNetworkIfUnused } from '../docker/networks.js';
import { listPodrunVolumes, removeVolumeWhenFree } from '../docker/volumes.js';
import { Labels } from '../plan/labels.js';
import { namespaceNetworkName } from '../plan/names.js';
import { LifecycleLabels, TERMINATING_MARKER } from './lifecycle/labels.js';
import { createMarker } from './lifecycle/markers.js';
import { graceSecondsOfPod, stopWithGrace } from './lifecycle/stop.js';
import { type PodRecord, podIPOf } from './records.js';

export const DEFAULT_GRACE_SECONDS = 30;

export function graceSecondsOf(record: PodRecord, override?: number): number {
  return graceSecondsOfPod(record.pod, override);
}

function isRunning(info: Docker.ContainerInfo): boolean {
  return info.State === 'running' || info.State === 'restarting' || info.State === 'paused';
}

/** Create the TERMINATING marker; its id, or undefined if one exists already. */
async function markTerminating(record: PodRecord): Promise<string | undefined> {
  const image = record.sandbox?.Image ?? record.all[0]?.Image;
  if (!image || record.terminating) return undefined;
  const supervised = record.all.find((i) => i.Labels[LifecycleLabels.supervised])?.Labels[
    LifecycleLabels.supervised
  ];
  try {
    return await createMarker({
      namespace: record.namespace,
      pod: record.name,
      marker: TERMINATING_MARKER,
      image,
      supervised,
      // The library's reaper finds what its process left by this label, markers too.
      labels: record.owner ? { [Labels.owner]: record.owner } : undefined,
    });
  } catch {
    // One exists already (409), or it cannot be made: deletion goes on without it.
    return undefined;
  }
}

export async function deletePodRecord(record: PodRecord, graceOverride?: number): Promise<void> {
  const marker = await markTerminating(record);
  const grace = graceSecondsOf(record, graceOverride);
  const specs = new Map<string, Container>(
    [...(record.pod?.spec?.initContainers ?? []), ...(record.pod?.spec?.containers ?? [])].map(
      (c) => [c.name, c],
    ),
  );
  const sandboxId = record.sandbox?.State === 'running' ? record.sandbox.Id : undefined;
  const podIP = podIPOf(record);
  const stop = (info: Docker.ContainerInfo) =>
    stopWithGrace(
      { id: info.Id, spec: specs.get(info.Labels[Labels.container] ?? ''), sandboxId, podIP },
      grace,
    );
  const running = record.containers.filter(isRunning);
  await Promise.all(running.filter((info) => info.Labels[Labels.role] === 'app').map(stop));
  // Sidecars (long-running init containers) stop after the apps, in reverse start order.
  const initOrder = (record.pod?.spec?.initContainers ?? []).map((c) => c.name);
  const inits = running
    .filter((info) => info.Labels[Labels.role] === 'init')
    .sort(
      (a, b) =>
        initOrder.indexOf(b.Labels[Labels.container] ?? '') -
        initOrder.indexOf(a.Labels[Labels.container] ?? ''),
    );
  for (const info of inits) await stop(info);
  if (record.sandbox && isRunning(record.sandbox)) {
    await stopWithGrace({ id: record.sandbox.Id }, 0);
  }
  await Promise.all(record.all.map((info) => removeContainer(info.Id)));
  // Anything a supervisor created while we were stopping (it read the pod before
  // the marker appeared) goes too; the marker goes last.
  for (let round = 0; round < 5; round++) {
    const left = (
      await listPodrunContainers({
        [Labels.namespace]: record.namespace,
        [Labels.pod]: record.name,
      })
    ).filter((info) => info.Id !== marker && info.Labels[Labels.container] !== TERMINATING_MARKER);
    if (left.length === 0) break;
    await Promise.all(left.map((info) => removeContainer(info.Id)));
  }
  if (marker) await removeContainer(marker);

  const volumes = await listPodrunVolumes({
    [Labels.namespace]: record.namespace,
    [Labels.pod]: record.name,
    [Labels.role]: 'volume',
  });
  await Promise.all(volumes.map((volume) => removeVolumeWhenFree(volume.Name)));
  await removeNetworkIfUnused(namespaceNetworkName(record.namespace));
}
