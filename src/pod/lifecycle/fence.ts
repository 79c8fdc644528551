// The delete fence: once a deletion of a pod has begun (its TERMINATING marker
// exists), nothing creates an object of that pod again. Every create of a pod object
// (sandbox, container, pod volume) is followed at once by a look for the marker
// (one inspect by name, ~2 ms); a creator that finds it removes what it just made
// and stops. The deleter (delete-pod.ts) creates the marker first and then removes
// the pod's objects until a listing comes back empty, settles, and lists once more:
// any create that finished before the marker existed is in its listings, and any
// that finished after it is undone by its own creator.
import type Docker from 'dockerode';
import {
  inspectContainer,
  listPodrunContainers,
  removeContainer,
} from '../../docker/containers.js';
import { inspectVolume, removeVolume } from '../../docker/volumes.js';
import { Labels } from '../../plan/labels.js';
import { containerDockerName } from '../../plan/names.js';
import { PodStartError } from '../errors.js';
import { TERMINATING_MARKER } from './labels.js';

/** A create found the pod being deleted: what it made is gone again, and it stops. */
export class PodDeletedError extends PodStartError {
  override name = 'PodDeletedError';
  constructor(namespace: string, pod: string) {
    super(`pod ${pod} in namespace ${namespace} is being deleted`);
  }
}

export async function deletionMarked(namespace: string, pod: string): Promise<boolean> {
  return (
    (await inspectContainer(containerDockerName(namespace, pod, TERMINATING_MARKER))) !== undefined
  );
}

/**
 * A create made from a reading of the pod found that reading gone by the time it
 * landed (the sandbox it joins, or every container it was read with): what it made is
 * undone, and the step reads the pod again. If the pod was deleted meanwhile (a whole
 * delete can run inside the window), the next reading says so; if only the sandbox
 * died, the next step rebuilds it.
 */
export class StaleReadingError extends PodStartError {
  override name = 'StaleReadingError';
  constructor(namespace: string, pod: string) {
    super(`pod ${pod} in namespace ${namespace} changed while a step acted on it`);
  }
}

/**
 * Call right after creating an object of the pod: if a deletion has begun, `undo`
 * removes the object and this throws PodDeletedError. `readingGone` (a create made
 * from an earlier reading: a container joining a sandbox, a sandbox rebuild) also
 * undoes it when what the reading saw is gone: a delete that ran from start to end
 * between the reading and the create left no marker to find, only an empty pod.
 */
export async function fenceCreated(
  namespace: string,
  pod: string,
  undo: () => Promise<void>,
  readingGone?: () => Promise<boolean>,
): Promise<void> {
  const [marked, gone] = await Promise.all([
    deletionMarked(namespace, pod),
    readingGone?.() ?? Promise.resolve(false),
  ]);
  if (!marked && !gone) return;
  await undo().catch(() => undefined); // the deleter's listing removes it otherwise
  throw marked ? new PodDeletedError(namespace, pod) : new StaleReadingError(namespace, pod);
}

/** None of these containers (a step's reading of the pod) exists any more. */
export async function readingGone(namespace: string, pod: string, ids: string[]): Promise<boolean> {
  const now = await listPodrunContainers({ [Labels.namespace]: namespace, [Labels.pod]: pod });
  const known = new Set(ids);
  return !now.some((info) => known.has(info.Id));
}

/**
 * Immediately before a create made from an earlier reading of the pod (a sandbox
 * rebuild): the pod must still exist and not be marked for deletion, or a creator
 * that read it before a whole delete ran would bring it back.
 */
export async function stillLive(namespace: string, pod: string, ids: string[]): Promise<boolean> {
  const now = await listPodrunContainers({ [Labels.namespace]: namespace, [Labels.pod]: pod });
  if (now.some((info) => info.Labels[Labels.container] === TERMINATING_MARKER)) return false;
  const known = new Set(ids);
  return now.some((info) => known.has(info.Id));
}

/**
 * Remove a container a step created, and any volume the engine made for one of its
 * mounts (no podrun labels: the pod's own volume was removed by a delete, and the
 * engine creates a missing named volume on create). `podVolumes` (a sandbox, whose
 * create makes the pod's volumes): its mounted volumes go too.
 */
export async function undoCreate(
  id: string,
  options: Docker.ContainerCreateOptions,
  { podVolumes = false }: { podVolumes?: boolean } = {},
): Promise<void> {
  await removeContainer(id);
  const named = (options.HostConfig?.Mounts ?? [])
    .filter((mount) => mount.Type === 'volume' && mount.Source)
    .map((mount) => String(mount.Source));
  await Promise.all(
    named.map(async (name) => {
      const volume = await inspectVolume(name);
      const ours = Boolean(volume?.Labels?.[Labels.managed]);
      if (volume && (podVolumes || !ours)) await removeVolume(name).catch(() => undefined);
    }),
  );
}
