// What a controller step asks for: the caller (the supervisor's one sync path) carries
// the intents out in order and runs the step again on the next event or at wakeAt.
// Level-triggered, as the lifecycle's decide: a step run again after nothing changed
// gives the same answer (save the random names of pods it still wants to create), so
// a lost or repeated step does no harm.
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';

/** The object a pod or ReplicaSet belongs to (its ownerReference). */
export interface Owner {
  apiVersion: string;
  kind: string;
  name: string;
  uid?: string;
}

/** The ownerReference a controller puts on what it makes (controller, blocking the owner's deletion). */
export function controllerReference(owner: Owner): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.name,
    uid: owner.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

export type ControllerIntent =
  /** Create pod `name` from `template` (labels and annotations final), owned by `owner`. */
  | { kind: 'create-pod'; name: string; template: PodTemplateSpec; owner: Owner }
  | { kind: 'delete-pod'; name: string; reason: string }
  /** Create this ReplicaSet (name, labels, annotations, spec all set). */
  | { kind: 'create-replicaset'; replicaSet: ReplicaSet }
  /** Set a ReplicaSet's spec.replicas and merge `annotations` into its own. */
  | {
      kind: 'scale-replicaset';
      name: string;
      replicas: number;
      annotations: Record<string, string>;
    }
  /** Set a ReplicaSet's annotations only (a revision moved to it). */
  | { kind: 'annotate-replicaset'; name: string; annotations: Record<string, string> }
  | { kind: 'delete-replicaset'; name: string; reason: string }
  /** Create this Job (a CronJob's run: name, labels, annotations, ownerReference, spec set). */
  | { kind: 'create-job'; job: Job }
  /** Delete this Job and its pods (a CronJob's history limit, or Replace). */
  | { kind: 'delete-job'; name: string; reason: string }
  /** The owner itself is done with (a finished Job past ttlSecondsAfterFinished). */
  | { kind: 'delete-self'; reason: string };

export interface ControllerStep<Status> {
  intents: ControllerIntent[];
  /** The status to store on the object (written whether or not it changed). */
  status: Status;
  /** Earliest time the answer changes by the clock alone; undefined = wait for an event. */
  wakeAt?: number;
}
