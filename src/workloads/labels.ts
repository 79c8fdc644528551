// Labels of the workload objects (Deployments, ReplicaSets, DaemonSets, Jobs, CronJobs) podrun keeps on the engine
// (docs/controllers.md, "Where the objects live"). A holder container (created, never
// started) is one version of one object: its labels are the object; a new version is
// a new holder with the next sequence number.
export const WORKLOAD_ROLE = 'workload';

export const WorkloadLabels = {
  /** On a holder: Deployment | ReplicaSet | DaemonSet | Job | CronJob. */
  kind: 'io.podrun.workload-kind',
  /** On a holder: the object's name (its namespace is io.podrun.namespace). */
  name: 'io.podrun.workload-name',
  /** On a holder: metadata.uid, the same for every version of the object. */
  uid: 'io.podrun.workload-uid',
  /** On a holder: the object as stored, JSON (its status aside). */
  object: 'io.podrun.workload-object',
  /** On a holder: the version, 1, 2, ...: the holder with the highest one is the object. */
  seq: 'io.podrun.workload-seq',
  /**
   * On a ReplicaSet holder (its Deployment), a Job holder (its CronJob) and a pod's
   * containers: the uid of the controller owning it.
   */
  controllerUid: 'io.podrun.controller-uid',
  /** With controllerUid: the owner's kind and name, for people reading `docker ps`. */
  controllerKind: 'io.podrun.controller-kind',
  controllerName: 'io.podrun.controller-name',
} as const;

export type StoredKind = 'Deployment' | 'ReplicaSet' | 'DaemonSet' | 'Job' | 'CronJob';
/** The kinds with spec.replicas (scale). */
export type ReplicatedKind = 'Deployment' | 'ReplicaSet';

export const STORED_KINDS: readonly StoredKind[] = [
  'Deployment',
  'ReplicaSet',
  'DaemonSet',
  'Job',
  'CronJob',
];

/** The API group of a kind: Jobs and CronJobs are batch, the others apps. */
export function groupOf(kind: StoredKind): string {
  return kind === 'Job' || kind === 'CronJob' ? 'batch' : 'apps';
}

/** kubectl's `kind.group`, as in `job.batch "x" deleted`. */
export function qualifiedKind(kind: StoredKind): string {
  return `${kind.toLowerCase()}.${groupOf(kind)}`;
}

/** kubectl's `kind.group/name` for an object of these kinds. */
export function qualifiedName(kind: StoredKind, name: string): string {
  return `${qualifiedKind(kind)}/${name}`;
}
