// The DaemonSet controller's sync (pkg/controller/daemon) on the one node an engine
// is: one pod, labelled controller-revision-hash with its template's version, replaced
// on a template change as updateStrategy says. RollingUpdate with maxSurge (rounded up
// over the one node) starts the new pod first and deletes the old one once the new one
// is available; with maxSurge 0 (the default) it deletes the old one first, since
// maxUnavailable (default 1) allows the node to go without. OnDelete replaces a pod
// only once someone deletes it.
import type { DaemonSet, DaemonSetStatus } from 'kubernetes-types/apps/v1.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { scaledValue } from './deployment.js';
import { availableAt, earliest, isActive, isAvailable, type OwnedPod } from './facts.js';
import { podTemplateHash } from './hash.js';
import type { ControllerIntent, ControllerStep, Owner } from './intents.js';
import { generateName, type Random } from './names.js';
import { podFromTemplate } from './replicaset.js';

export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';
export const POD_TEMPLATE_GENERATION_LABEL = 'pod-template-generation';

export interface DaemonSetInput {
  daemonSet: DaemonSet;
  /** Every pod it owns. */
  pods: readonly OwnedPod[];
  now: number;
  random: Random;
}

export function daemonSetOwner(ds: DaemonSet): Owner {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    name: ds.metadata?.name ?? '',
    uid: ds.metadata?.uid,
  };
}

/** The current version of the template, as the pods' controller-revision-hash. */
export function daemonSetRevision(ds: DaemonSet): string {
  return podTemplateHash(ds.spec?.template, ds.status?.collisionCount);
}

/** The pod the current template makes, with its revision labels. */
export function daemonSetPodTemplate(ds: DaemonSet): PodTemplateSpec {
  const template = podFromTemplate(ds.spec?.template);
  template.metadata = {
    ...template.metadata,
    labels: {
      ...template.metadata?.labels,
      [CONTROLLER_REVISION_HASH_LABEL]: daemonSetRevision(ds),
      ...(ds.metadata?.generation === undefined
        ? {}
        : { [POD_TEMPLATE_GENERATION_LABEL]: String(ds.metadata.generation) }),
    },
  };
  return template;
}

export function syncDaemonSet(input: DaemonSetInput): ControllerStep<DaemonSetStatus> {
  const { daemonSet: ds, pods, now, random } = input;
  const name = ds.metadata?.name ?? '';
  const revision = daemonSetRevision(ds);
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const intents: ControllerIntent[] = [];
  const active = pods.filter(isActive);
  const isCurrent = (p: OwnedPod) => p.labels[CONTROLLER_REVISION_HASH_LABEL] === revision;
  const current = active.filter(isCurrent).sort((a, b) => a.createdAt - b.createdAt);
  const old = active.filter((p) => !isCurrent(p));
  const create = () => {
    const taken = new Set(pods.map((p) => p.name));
    intents.push({
      kind: 'create-pod',
      name: generateName(name, random, taken),
      template: daemonSetPodTemplate(ds),
      owner: daemonSetOwner(ds),
    });
  };
  const remove = (list: readonly OwnedPod[], reason: string) => {
    for (const pod of list) intents.push({ kind: 'delete-pod', name: pod.name, reason });
  };

  // More than one pod of the current version on the node: keep the oldest.
  remove(current.slice(1), 'more than one daemon pod on the node');
  const newPod = current[0];
  const strategy = ds.spec?.updateStrategy?.type ?? 'RollingUpdate';
  let left = [...old, ...(newPod ? [newPod] : [])];
  if (strategy === 'OnDelete') {
    if (active.length === 0) create();
  } else if (old.length === 0) {
    if (!newPod) create();
  } else {
    const rolling = ds.spec?.updateStrategy?.rollingUpdate;
    const surge = scaledValue(rolling?.maxSurge ?? 0, 1, true);
    if (surge > 0) {
      if (!newPod) create();
      else if (isAvailable(newPod, minReady, now)) {
        remove(old, 'replaced by the updated daemon pod');
        left = [newPod];
      }
    } else {
      // maxUnavailable (≥ 1 here, validation forbids both 0): the old pod goes first.
      remove(old, 'updated: the old daemon pod goes first');
      left = newPod ? [newPod] : [];
      if (!newPod) create();
    }
  }

  let wakeAt: number | undefined;
  const counted = left.filter(isActive);
  const availableCount = counted.filter((p) => {
    if (isAvailable(p, minReady, now)) return true;
    wakeAt = earliest(wakeAt, availableAt(p, minReady));
    return false;
  }).length;
  const status: DaemonSetStatus = {
    desiredNumberScheduled: 1,
    currentNumberScheduled: counted.length > 0 ? 1 : 0,
    numberMisscheduled: 0,
    numberReady: counted.some((p) => p.ready) ? 1 : 0,
    numberAvailable: availableCount > 0 ? 1 : 0,
    numberUnavailable: availableCount > 0 ? 0 : 1,
    updatedNumberScheduled: counted.some(isCurrent) ? 1 : 0,
    ...(ds.metadata?.generation === undefined
      ? {}
      : { observedGeneration: ds.metadata.generation }),
    ...(ds.status?.collisionCount === undefined
      ? {}
      : { collisionCount: ds.status.collisionCount }),
  };
  return { intents, status, ...(wakeAt === undefined ? {} : { wakeAt }) };
}
