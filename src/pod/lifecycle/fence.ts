// The delete fence: once a deletion of a pod has begun (its TERMINATING marker
// exists), nothing creates an object of that pod again. Every create of a pod object
// (sandbox, container, pod volume) is followed at once by a look for the marker
// (one inspect by name, ~2 ms); a creator that finds it removes what it just made
// and stops. The deleter (delete-pod.ts) creates the marker first and then removes
// the pod's objects until a listing comes back empty, settles, and lists once more:
// any create that finished before the marker existed is in its listings, and any
// that finished after it is undone by its own creator.
import { inspectContainer, listPodrunContainers } from '../../docker/containers.js';
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
 * Call right after creating an object of the pod: if a deletion has begun, `undo`
 * removes the object and this throws PodDeletedError.
 */
export async function fenceCreated(
  namespace: string,
  pod: string,
  undo: () => Promise<void>,
): Promise<void> {
  if (!(await deletionMarked(namespace, pod))) return;
  await undo().catch(() => undefined); // the deleter's listing removes it otherwise
  throw new PodDeletedError(namespace, pod);
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
