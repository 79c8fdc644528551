// Marker containers (see labels.ts): created, never started, they only need to
// exist. TERMINATING says the pod is being deleted (the delete fence, fence.ts);
// FILL holds the pod's volumes for one upload while its sandbox starts (fill-volumes.ts).
import { hostname } from 'node:os';
import type Docker from 'dockerode';
import { createContainer } from '../../docker/containers.js';
import { Labels } from '../../plan/labels.js';
import { containerDockerName } from '../../plan/names.js';
import { LifecycleLabels, type TERMINATING_MARKER } from './labels.js';

export interface MarkerOptions {
  namespace: string;
  pod: string;
  marker: typeof TERMINATING_MARKER | 'FILL';
  /** Any image present on the engine: the marker never runs. */
  image: string;
  /** The pod's supervised scope: supervisors list only their scope's containers. */
  supervised?: string;
  labels?: Record<string, string>;
  /** Volumes it mounts (the filler's). */
  mounts?: Docker.MountSettings[];
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
    HostConfig: { NetworkMode: 'none', ...(options.mounts ? { Mounts: options.mounts } : {}) },
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
