// The ReplicaSet controller's sync (pkg/controller/replicaset) as a pure function: keep
// spec.replicas active pods, creating from the template or deleting in the order
// controller.ActivePods gives, and report the status the API shows. The caller passes
// the pods this ReplicaSet owns (its owner label), live or finished.
import type { ReplicaSet, ReplicaSetStatus } from 'kubernetes-types/apps/v1.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { availableAt, earliest, isActive, isAvailable, type OwnedPod } from './facts.js';
import type { ControllerIntent, ControllerStep, Owner } from './intents.js';
import { generateName, type Random } from './names.js';
import { podsToDelete } from './ranking.js';

export interface ReplicaSetInput {
  replicaSet: ReplicaSet;
  /** Every pod the ReplicaSet owns. */
  pods: readonly OwnedPod[];
  now: number;
  random: Random;
}

export function replicaSetOwner(rs: ReplicaSet): Owner {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    name: rs.metadata?.name ?? '',
    uid: rs.metadata?.uid,
  };
}

/** The pod a template makes: its labels and annotations, as the controller copies them. */
export function podFromTemplate(template: PodTemplateSpec | undefined): PodTemplateSpec {
  const copy = structuredClone(template ?? {});
  const { labels, annotations } = copy.metadata ?? {};
  // A template's name and namespace are not the pod's.
  copy.metadata = {
    ...(labels ? { labels } : {}),
    ...(annotations ? { annotations } : {}),
  };
  return copy;
}

export function syncReplicaSet(input: ReplicaSetInput): ControllerStep<ReplicaSetStatus> {
  const { replicaSet: rs, pods, now, random } = input;
  const name = rs.metadata?.name ?? '';
  const wanted = Math.max(0, rs.spec?.replicas ?? 1);
  const active = pods.filter(isActive);
  const intents: ControllerIntent[] = [];

  const diff = active.length - wanted;
  let remaining = active;
  if (diff < 0) {
    const taken = new Set(pods.map((p) => p.name));
    const owner = replicaSetOwner(rs);
    for (let i = 0; i < -diff; i++) {
      const podName = generateName(name, random, taken);
      taken.add(podName);
      intents.push({
        kind: 'create-pod',
        name: podName,
        template: podFromTemplate(rs.spec?.template),
        owner,
      });
    }
  } else if (diff > 0) {
    const doomed = podsToDelete(active, diff);
    for (const pod of doomed) {
      intents.push({ kind: 'delete-pod', name: pod.name, reason: `scaled down to ${wanted}` });
    }
    const gone = new Set(doomed.map((p) => p.name));
    remaining = active.filter((p) => !gone.has(p.name));
  }

  const { status, wakeAt } = replicaSetStatus(rs, remaining, now);
  return { intents, status, ...(wakeAt === undefined ? {} : { wakeAt }) };
}

/**
 * status.replicas (active pods), fullyLabeledReplicas, readyReplicas,
 * availableReplicas (Ready for minReadySeconds), observedGeneration; wakeAt is when a
 * Ready pod will turn available.
 */
export function replicaSetStatus(
  rs: ReplicaSet,
  pods: readonly OwnedPod[],
  now: number,
): { status: ReplicaSetStatus; wakeAt?: number } {
  const active = pods.filter(isActive);
  const minReady = rs.spec?.minReadySeconds ?? 0;
  const templateLabels = rs.spec?.template?.metadata?.labels ?? {};
  let wakeAt: number | undefined;
  let available = 0;
  for (const pod of active) {
    if (isAvailable(pod, minReady, now)) available++;
    else wakeAt = earliest(wakeAt, availableAt(pod, minReady));
  }
  const status: ReplicaSetStatus = {
    replicas: active.length,
    fullyLabeledReplicas: active.filter((p) =>
      Object.entries(templateLabels).every(([k, v]) => p.labels[k] === v),
    ).length,
    readyReplicas: active.filter((p) => p.ready).length,
    availableReplicas: available,
    ...(rs.metadata?.generation === undefined
      ? {}
      : { observedGeneration: rs.metadata.generation }),
  };
  return { status, ...(wakeAt === undefined ? {} : { wakeAt }) };
}
