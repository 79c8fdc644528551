// Delete a pod as the kubelet stops one: app containers first (in parallel, each
// running its preStop hook inside the grace period), then native sidecars in reverse
// order, the sandbox last; then the containers, the pod-scoped volumes and, when
// nothing uses it, the network. Claim volumes (PVCs) are kept: their data outlives
// the pod.
//
// First of all a TERMINATING marker container (created, never started) joins the
// pod: every supervisor and `podrun up` sees it and stops restarting anything, and
// `get pods` shows Terminating. It is also the delete fence (lifecycle/fence.ts):
// every creator of a pod object looks for it right after its create and undoes the
// create if it is there. So once the marker stands, the deleter removes the pod's
// objects until a listing comes back empty (however many a creator made meanwhile),
// waits a short settle, lists once more, and only then removes the marker. Engine
// errors on the way (404 already gone, 409 volume still in use by a container the
// next round removes) are handled by status code, never shown raw.

import { hostname } from 'node:os';
import type Docker from 'dockerode';
import type { Container } from 'kubernetes-types/core/v1.js';
import { listPodrunContainers, removeContainer } from '../docker/containers.js';
import { engineMessage, isConflict, isNotFound } from '../docker/errors.js';
import { removeNetworkIfUnused } from '../docker/networks.js';
import { listPodrunVolumes, listVolumesNamed, removeVolume } from '../docker/volumes.js';
import { log } from '../log.js';
import { Labels } from '../plan/labels.js';
import { containerDockerName, namespaceNetworkName, podVolumeDockerName } from '../plan/names.js';
import {
  INTENT_LABEL,
  isLiveIntent,
  liveIntents,
  lowerIntent,
  raiseIntent,
} from './lifecycle/intents.js';
import { LifecycleLabels, TERMINATING_MARKER, TerminatingLabels } from './lifecycle/labels.js';
import { createMarker, holderAlive } from './lifecycle/markers.js';
import { graceSecondsOfPod, stopWithGrace } from './lifecycle/stop.js';
import { findPodRecord, type PodRecord, podIPOf } from './records.js';

export const DEFAULT_GRACE_SECONDS = 30;

export function graceSecondsOf(record: PodRecord, override?: number): number {
  return graceSecondsOfPod(record.pod, override);
}

function isRunning(info: Docker.ContainerInfo): boolean {
  return info.State === 'running' || info.State === 'restarting' || info.State === 'paused';
}

/** A creator's post-check finishes within ms of its create: this covers it. */
const SETTLE_MS = 150;
/** Give up (with one clear line) if objects keep appearing for this long. */
const DELETE_LIMIT_MS = 120_000;

interface DeletionMark {
  id: string;
  /** This deleter made the marker (or took over a dead deleter's): it removes it. */
  mine: boolean;
}

function supervisedScopeOf(record: PodRecord): string | undefined {
  return record.all.find((i) => i.Labels[LifecycleLabels.supervised])?.Labels[
    LifecycleLabels.supervised
  ];
}

/** Pods (namespace/name) a deletion of this process is running on, with how many. */
const activeDeletions = new Map<string, number>();

function podKeyOf(record: PodRecord): string {
  return `${record.namespace}/${record.name}`;
}

/** Create the TERMINATING marker, or find the one a deleter made before. */
async function markTerminating(record: PodRecord): Promise<DeletionMark | undefined> {
  const image = record.sandbox?.Image ?? record.all[0]?.Image;
  const existing = record.terminatingBy;
  // A marker of this very process is one an earlier deletion here left (it failed
  // halfway): this deletion finishes it, or nobody would while the process lives;
  // unless a deletion of this process is running under it right now (the library
  // deleting a pod a re-apply in the same process is replacing).
  if (existing) {
    const ours = existing.pid === process.pid && existing.host === hostname();
    return {
      id: existing.markerId,
      mine: ours ? (activeDeletions.get(podKeyOf(record)) ?? 0) < 2 : !holderAlive(existing),
    };
  }
  if (!image) return undefined;
  const supervised = supervisedScopeOf(record);
  try {
    const id = await createMarker({
      namespace: record.namespace,
      pod: record.name,
      marker: TERMINATING_MARKER,
      image,
      supervised,
      labels: {
        [TerminatingLabels.pid]: String(process.pid),
        [TerminatingLabels.host]: hostname(),
        // The library's reaper finds what its process left by this label, markers too.
        ...(record.owner ? { [Labels.owner]: record.owner } : {}),
      },
    });
    return { id, mine: true };
  } catch (error) {
    if (!isConflict(error))
      throw new Error(`pod ${record.name}: cannot mark it for deletion: ${engineMessage(error)}`);
    // Another deleter got there first (since the listing): delete alongside it.
    return {
      id: containerDockerName(record.namespace, record.name, TERMINATING_MARKER),
      mine: false,
    };
  }
}

/** Remove a pod volume; false if a container still holds it (the next round removes that). */
async function removePodVolume(name: string): Promise<boolean> {
  try {
    await removeVolume(name);
    return true;
  } catch (error) {
    if (isConflict(error) || isNotFound(error)) return isNotFound(error);
    throw error;
  }
}

/**
 * The pod's volumes: podrun's (by label) and those the engine made without labels
 * under a pod volume's name (a sandbox created, by a rebuild racing this delete,
 * with a mount of a pod volume this delete had just removed; the creator's fence
 * removes its sandbox, not the volume the engine made for it).
 */
async function podVolumes(namespace: string, pod: string): Promise<string[]> {
  const [labelled, named] = await Promise.all([
    listPodrunVolumes({
      [Labels.namespace]: namespace,
      [Labels.pod]: pod,
      [Labels.role]: 'volume',
    }),
    listVolumesNamed(podVolumeDockerName(namespace, pod, '')),
  ]);
  const unlabelled = named.filter((volume) => !volume.Labels?.[Labels.managed]);
  return [...new Set([...labelled, ...unlabelled].map((volume) => volume.Name))];
}

/**
 * Remove every container (the marker aside) and pod volume of the pod until a
 * listing is empty twice, a settle apart. A co-deleter (the marker is not its own)
 * stops once the marker's owner has finished and removed it.
 */
async function removeEverything(
  record: PodRecord,
  mark: DeletionMark | undefined,
): Promise<{ sawReplacing: boolean }> {
  const { namespace, name } = record;
  const began = Date.now();
  let settled = false;
  // A re-apply's live REPLACING intent in any listing: its new version may still come.
  let sawReplacing = false;
  const done = () => ({ sawReplacing });
  for (let round = 0; ; round++) {
    const [containers, volumes] = await Promise.all([
      listPodrunContainers({ [Labels.namespace]: namespace, [Labels.pod]: name }),
      podVolumes(namespace, name),
    ]);
    sawReplacing ||= containers.some(
      (info) => info.Labels[INTENT_LABEL] === 'replacing' && isLiveIntent(info),
    );
    // The marker stays until the end; live intents (intents.ts) are their holders' to lower.
    const left = containers.filter(
      (info) => info.Labels[Labels.container] !== TERMINATING_MARKER && !isLiveIntent(info),
    );
    const marker = containers.find((info) => info.Labels[Labels.container] === TERMINATING_MARKER);
    if (mark && !mark.mine && !marker) return done(); // its deleter finished
    if (mark && !mark.mine && left.length === 0 && volumes.length === 0) {
      // Only the owner's marker is left: the pod is gone when its owner removes it
      // (a moment from now, or after a re-apply it waits for), not before; `delete`
      // must not return with the marker still there. An owner that died meanwhile
      // leaves it to this deleter.
      const holder = {
        pid: Number(marker?.Labels[TerminatingLabels.pid] ?? 0),
        host: marker?.Labels[TerminatingLabels.host] ?? '',
      };
      if (marker && !holderAlive(holder)) {
        await removeContainer(marker.Id).catch(() => undefined);
        return done();
      }
      if (Date.now() - began > DELETE_LIMIT_MS) {
        throw new Error(
          `pod ${name}: its other deleter kept it for ${DELETE_LIMIT_MS / 1000}s; run podrun delete again`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    if (left.length === 0 && volumes.length === 0) {
      if (settled) return done();
      settled = true;
      // The settle is idle time: if this was the namespace's last pod, its network
      // goes meanwhile (removing it takes about as long). The call after the marker
      // goes stays, for a pod a creator made again on it meanwhile.
      await Promise.all([
        new Promise((resolve) => setTimeout(resolve, SETTLE_MS)),
        mark?.mine
          ? removeNetworkIfUnused(namespaceNetworkName(namespace)).catch(() => undefined)
          : undefined,
      ]);
      continue;
    }
    settled = false;
    if (Date.now() - began > DELETE_LIMIT_MS) {
      throw new Error(
        `pod ${name}: objects kept appearing for ${DELETE_LIMIT_MS / 1000}s while deleting it; run podrun delete again`,
      );
    }
    await Promise.all(left.map((info) => removeContainer(info.Id)));
    const freed = await Promise.all(volumes.map((volume) => removePodVolume(volume)));
    // A volume still in use: its holder is gone by the next listing; do not spin.
    if (freed.includes(false))
      await new Promise((resolve) => setTimeout(resolve, Math.min(50 * (round + 1), 250)));
  }
}

export interface DeleteOptions {
  /**
   * The caller is a re-apply replacing the pod (it holds a REPLACING intent,
   * lifecycle/intents.ts). If another process is deleting the pod, it returns at once
   * with byAnother (the caller then stops: deletion wins) and leaves the deleting to
   * that process, which waits for the caller's intent to be lowered.
   */
  replacing?: boolean;
  /**
   * Run once the pod carries its Terminating marker and before any container stops.
   * The supervisor takes the pod out of its Services' proxies here, as the endpoints
   * controller drops a terminating pod, so that no new connection reaches an app that
   * is about to get SIGTERM (a rolling update loses no request). A failure is logged;
   * the delete goes on.
   */
  beforeStop?: () => Promise<void>;
}

/**
 * Delete the pod. Resolves `byAnother: true` when another live process was deleting
 * it too (this call deleted alongside it): a re-apply that meant to replace the pod
 * then does not create it again (deletion wins).
 */
export async function deletePodRecord(
  record: PodRecord,
  graceOverride?: number,
  options: DeleteOptions = {},
): Promise<{ byAnother: boolean }> {
  // Counted from before the marker's create: another deletion in this process that
  // finds the marker meanwhile deletes alongside, as one in another process would.
  const key = podKeyOf(record);
  activeDeletions.set(key, (activeDeletions.get(key) ?? 0) + 1);
  try {
    return await deleteCounted(record, graceOverride, options);
  } finally {
    const left = (activeDeletions.get(key) ?? 1) - 1;
    if (left > 0) activeDeletions.set(key, left);
    else activeDeletions.delete(key);
  }
}

async function deleteCounted(
  record: PodRecord,
  graceOverride: number | undefined,
  options: DeleteOptions,
): Promise<{ byAnother: boolean }> {
  const mark = await markTerminating(record);
  if (!mark?.mine && options.replacing) return { byAnother: mark !== undefined };
  // Deleting alongside another deleter, which may be a re-apply replacing the pod:
  // say so before looking any further (intents.ts), so that re-apply either sees the
  // request and makes no new version, or this delete sees its intent and deletes the
  // new version too.
  const image = record.sandbox?.Image ?? record.all[0]?.Image;
  const request =
    mark && !mark.mine && image
      ? await raiseIntent(
          {
            namespace: record.namespace,
            pod: record.name,
            image,
            supervised: supervisedScopeOf(record),
            owner: record.owner,
          },
          'delete',
        )
      : undefined;
  try {
    if (options.beforeStop) {
      await options
        .beforeStop()
        .catch((error: unknown) =>
          log().warn(
            { err: error },
            `pod ${record.name}: before stopping: ${(error as Error).message}`,
          ),
        );
    }
    const { sawReplacing } = await stopAndRemove(record, mark, graceOverride);
    if (
      mark?.mine &&
      !options.replacing &&
      (sawReplacing || (await liveIntents(record.namespace, record.name, 'replacing')).length > 0)
    ) {
      // A re-apply that raised REPLACING before this marker stood may still create
      // its new version: its create meets this marker and undoes itself (fence.ts).
      // Wait for it to be over, then remove what it may have left (another settle).
      // With no such intent seen, the settled removal above is the last word.
      await replacementsSettled(record);
      await removeEverything(record, mark);
    }
    if (mark?.mine) await removeContainer(mark.id);
    // A co-deleter (a supervisor removing the same pod, say) drops its DELETE flag a
    // moment after this marker goes: wait for it, so that nothing of the pod is left
    // when `delete` returns. Not for a re-apply's delete: a co-deleter there waits for
    // the re-apply's own REPLACING flag first.
    if (mark?.mine && !options.replacing) await coDeletersDone(record);
    // The network goes with the namespace's last pod, and with it a network lock a
    // killed process left (networks.ts); a live creator's lock stays.
    await removeNetworkIfUnused(namespaceNetworkName(record.namespace));
    const byAnother = mark !== undefined && !mark.mine;
    // Deleted alongside another deleter, which has finished. If that one was a
    // re-apply replacing the pod, it either saw this delete's request and stopped, or
    // is making its new version: wait until it has, then delete what is there, under
    // a marker of its own.
    if (byAnother) {
      await replacementsSettled(record);
      const again = await findPodRecord(record.namespace, record.name);
      if (again && !again.terminating) await deletePodRecord(again, graceOverride);
    }
    return { byAnother };
  } finally {
    if (request) await lowerIntent(request);
  }
}

/** How long a marker's owner waits for its co-deleters to finish after it (they do at once). */
const CO_DELETERS_WAIT_MS = 10_000;

async function coDeletersDone(record: PodRecord): Promise<void> {
  const began = Date.now();
  while ((await liveIntents(record.namespace, record.name, 'delete')).length > 0) {
    // Past the limit the co-deleter is itself deleting a new version under its own
    // marker: that is its to finish, and this pod's deletion is over.
    if (Date.now() - began > CO_DELETERS_WAIT_MS) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** How long a deleter waits for a replacing re-apply to make (or give up) its new version. */
const REPLACE_WAIT_MS = 120_000;

async function replacementsSettled(record: PodRecord): Promise<void> {
  const began = Date.now();
  while ((await liveIntents(record.namespace, record.name, 'replacing')).length > 0) {
    if (Date.now() - began > REPLACE_WAIT_MS)
      throw new Error(
        `pod ${record.name}: a re-apply kept replacing it for ${REPLACE_WAIT_MS / 1000}s while deleting it; run podrun delete again`,
      );
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Stop the pod's containers as the kubelet does, then remove all of it but the marker. */
async function stopAndRemove(
  record: PodRecord,
  mark: DeletionMark | undefined,
  graceOverride: number | undefined,
): Promise<{ sawReplacing: boolean }> {
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
  // Anything a creator made while we were stopping goes too (fence.ts).
  return removeEverything(record, mark);
}

/** Whether a deletion of this pod is under way by a live process (a re-apply waits for it). */
export function deletionInProgress(record: PodRecord): boolean {
  return record.terminatingBy !== undefined && holderAlive(record.terminatingBy);
}
