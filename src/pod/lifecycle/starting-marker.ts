// The STARTING marker (see labels.ts): created by the process that starts a pod for
// the first time, removed when it is done. Supervisors wait while its owner lives.
import { hostname } from 'node:os';
import { createContainer, removeContainer } from '../../docker/containers.js';
import { Labels } from '../../plan/labels.js';
import { containerDockerName } from '../../plan/names.js';
import type { PodPlan } from '../../plan/types.js';
import type { PodRecord } from '../records.js';
import { LifecycleLabels, STARTING_MARKER, StartingLabels } from './labels.js';

/** Create the marker (never started: it only needs to exist). */
export async function createStartingMarker(plan: PodPlan, supervised?: string): Promise<string> {
  return createContainer({
    name: containerDockerName(plan.namespace, plan.name, STARTING_MARKER),
    Image: plan.sandbox.image,
    Entrypoint: ['podrun-starting-marker'],
    Labels: {
      [Labels.managed]: 'true',
      [Labels.role]: 'marker',
      [Labels.namespace]: plan.namespace,
      [Labels.pod]: plan.name,
      [Labels.container]: STARTING_MARKER,
      [StartingLabels.pid]: String(process.pid),
      [StartingLabels.host]: hostname(),
      // Supervisors list only their scope's containers: the marker must be among them.
      ...(supervised ? { [LifecycleLabels.supervised]: supervised } : {}),
      ...(plan.sandbox.create.Labels?.[Labels.owner]
        ? { [Labels.owner]: plan.sandbox.create.Labels[Labels.owner] }
        : {}),
    },
    HostConfig: { NetworkMode: 'none' },
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True while another live process is starting the pod. A marker whose owner died
 * (SIGKILL halfway through apply) is removed here, and the caller may take over.
 */
export async function heldByStartingProcess(record: PodRecord): Promise<boolean> {
  const holder = record.startingBy;
  if (!holder) return false;
  // A marker from another machine (a remote engine) cannot be checked: respect it.
  if (holder.host !== hostname()) return true;
  if (holder.pid === process.pid || processAlive(holder.pid)) return true;
  await removeContainer(holder.markerId);
  return false;
}
