// Marker containers (see labels.ts): created, never started, they only need to
// exist. STARTING is held by the process that starts a pod for the first time, and
// supervisors wait while it lives; TERMINATING says the pod is being deleted.
import { hostname } from 'node:os';
import { createContainer, removeContainer } from '../../docker/containers.js';
import { removeNetworkIfUnused } from '../../docker/networks.js';
import { Labels } from '../../plan/labels.js';
import { containerDockerName, namespaceNetworkName } from '../../plan/names.js';
import type { PodPlan } from '../../plan/types.js';
import type { PodRecord } from '../records.js';
import {
  LifecycleLabels,
  STARTING_MARKER,
  StartingLabels,
  type TERMINATING_MARKER,
} from './labels.js';

export interface MarkerOptions {
  namespace: string;
  pod: string;
  marker: typeof STARTING_MARKER | typeof TERMINATING_MARKER;
  /** Any image present on the engine: the marker never runs. */
  image: string;
  /** The pod's supervised scope: supervisors list only their scope's containers. */
  supervised?: string;
  labels?: Record<string, string>;
}

export function createMarker(options: MarkerOptions): Promise<string> {
  return createContainer({
    name: containerDockerName(options.namespace, options.pod, options.marker),
    Image: options.image,
    Entrypoint: [`podrun-${options.marker.toLowerCase()}-marker`],
    Labels: {
      [Labels.managed]: 'true',
      [Labels.role]: 'marker',
      [Labels.namespace]: options.namespace,
      [Labels.pod]: options.pod,
      [Labels.container]: options.marker,
      ...(options.supervised ? { [LifecycleLabels.supervised]: options.supervised } : {}),
      ...options.labels,
    },
    HostConfig: { NetworkMode: 'none' },
  });
}

export function createStartingMarker(plan: PodPlan, supervised?: string): Promise<string> {
  const owner = plan.sandbox.create.Labels?.[Labels.owner];
  return createMarker({
    namespace: plan.namespace,
    pod: plan.name,
    marker: STARTING_MARKER,
    image: plan.sandbox.image,
    supervised,
    labels: {
      [StartingLabels.pid]: String(process.pid),
      [StartingLabels.host]: hostname(),
      ...(owner ? { [Labels.owner]: owner } : {}),
    },
  });
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True while the process that holds a marker (by its pid/host labels) may still act. */
export function holderAlive(holder: { pid: number; host: string }): boolean {
  // No holder recorded (an older podrun's marker): nobody is acting on it.
  if (!holder.pid) return false;
  // A marker from another machine (a remote engine) cannot be checked: respect it.
  if (holder.host !== hostname()) return true;
  return holder.pid === process.pid || processAlive(holder.pid);
}

/**
 * True while another live process is starting the pod. A marker whose owner died
 * (SIGKILL halfway through apply) is removed here, and the caller may take over.
 * If the marker was all of the pod (the apply died before its sandbox), what the
 * apply may have made for the namespace goes as with a deleted last pod: the
 * network if no container uses it, and a network lock the dead apply held.
 */
export async function heldByStartingProcess(record: PodRecord): Promise<boolean> {
  const holder = record.startingBy;
  if (!holder) return false;
  // A marker from another machine (a remote engine) cannot be checked: respect it.
  if (holder.host !== hostname()) return true;
  if (holder.pid === process.pid || processAlive(holder.pid)) return true;
  await removeContainer(holder.markerId);
  if (record.all.every((info) => info.Labels[Labels.role] === 'marker')) {
    await removeNetworkIfUnused(namespaceNetworkName(record.namespace));
  }
  return false;
}
