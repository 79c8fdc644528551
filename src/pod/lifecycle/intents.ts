// Intent markers: how a replacing re-apply and a delete that meet on one pod agree
// on which of them wins, with no lock and no state outside the engine.
//
// A re-apply of a changed pod deletes the old version and then creates the new one.
// A `podrun delete` that arrives while that re-apply's own delete is running finds
// the TERMINATING marker taken and deletes alongside it (a co-deleter). When the
// re-apply's delete is over, the co-deleter must not exit 0 while the new version
// is still on its way, and the re-apply must not create a pod someone asked to
// delete. Each raises a flag first and reads the other's afterwards (Dekker's
// order), so at least one of the two sees the other:
//   - the re-apply raises REPLACING, deletes the old version, then looks for a live
//     DELETE request: if there is one, it stops (deletion wins); otherwise it makes
//     the new sandbox and only then lowers REPLACING;
//   - the co-deleter raises DELETE, and once the marker's owner is done, waits while
//     a live REPLACING stands; what is there then (a new sandbox, or nothing) it
//     deletes under a marker of its own, and then lowers DELETE.
// Both are marker containers (created, never started), labelled with the process
// that holds them: a flag whose holder died counts for nothing and is removed by
// the next delete of the pod or by the supervisor's housekeeping.

import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type Docker from 'dockerode';
import { createContainer, listPodrunContainers, removeContainer } from '../../docker/containers.js';
import { Labels } from '../../plan/labels.js';
import { containerDockerName } from '../../plan/names.js';
import { CreatorLabels, LifecycleLabels } from './labels.js';
import { holderAlive } from './markers.js';

export type IntentKind = 'replacing' | 'delete';

/** On an intent marker: which intent it is. */
export const INTENT_LABEL = 'io.podrun.intent';

export interface IntentTarget {
  namespace: string;
  pod: string;
  /** Any image present on the engine: the marker never runs. */
  image: string;
  supervised?: string;
  /** The library's owner label, so the reaper finds a flag its process left. */
  owner?: string;
}

/** Raise an intent on the pod; resolves the marker's id (lower it with lowerIntent). */
export async function raiseIntent(target: IntentTarget, kind: IntentKind): Promise<string> {
  // One per process and call: two re-applies (or two deletes) may hold one each.
  const tag = `${kind.toUpperCase()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  return createContainer({
    name: containerDockerName(target.namespace, target.pod, tag),
    Image: target.image,
    Entrypoint: [`podrun-${kind}-marker`],
    Labels: {
      [Labels.managed]: 'true',
      [Labels.role]: 'marker',
      [Labels.namespace]: target.namespace,
      [Labels.pod]: target.pod,
      [Labels.container]: tag,
      [INTENT_LABEL]: kind,
      [CreatorLabels.pid]: String(process.pid),
      [CreatorLabels.host]: hostname(),
      ...(target.supervised ? { [LifecycleLabels.supervised]: target.supervised } : {}),
      ...(target.owner ? { [Labels.owner]: target.owner } : {}),
    },
    HostConfig: { NetworkMode: 'none' },
  });
}

export async function lowerIntent(id: string): Promise<void> {
  await removeContainer(id);
}

/** Whether this container is an intent marker of a process that may still act on it. */
export function isLiveIntent(info: Docker.ContainerInfo): boolean {
  const labels = info.Labels ?? {};
  if (!labels[INTENT_LABEL]) return false;
  return holderAlive({
    pid: Number(labels[CreatorLabels.pid] ?? 0),
    host: labels[CreatorLabels.host] ?? '',
  });
}

/** Live intents of one kind on the pod, other than `except` (a caller's own). */
export async function liveIntents(
  namespace: string,
  pod: string,
  kind: IntentKind,
  except?: string,
): Promise<Docker.ContainerInfo[]> {
  const found = await listPodrunContainers({
    [Labels.namespace]: namespace,
    [Labels.pod]: pod,
    [INTENT_LABEL]: kind,
  });
  return found.filter((info) => info.Id !== except && isLiveIntent(info));
}

/** Intent markers whose holder is gone, on any pod (the supervisor's housekeeping removes them). */
export async function sweepDeadIntents(): Promise<void> {
  const found = await listPodrunContainers({ [Labels.role]: 'marker' });
  const dead = found.filter((info) => info.Labels?.[INTENT_LABEL] && !isLiveIntent(info));
  await Promise.all(dead.map((info) => removeContainer(info.Id)));
}
