// The output of the manifest stage: typed Kubernetes objects, each remembering where
// in which file it came from, so later stages can point errors at file:line:col.

import type { DaemonSet, Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import type {
  ConfigMap,
  Namespace,
  PersistentVolumeClaim,
  Pod,
  Secret,
  Service,
} from 'kubernetes-types/core/v1.js';
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import type { WorkloadKind } from './kinds.js';

/** A place in a manifest file. `line` and `column` are 1-based; line 0 means the whole file. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** A field path inside one object, e.g. ['spec', 'containers', 1, 'image']. */
export type FieldPath = ReadonlyArray<string | number>;

export interface ManifestObject<T> {
  /** The object as written, with metadata.namespace filled in. */
  object: T;
  /** Where the document starts. */
  source: SourceLocation;
  /** Where a field of this object was written (the nearest existing parent when absent). */
  locate(path: FieldPath): SourceLocation;
}

/** One problem found in a manifest: an error, or a warning in ManifestSet.warnings. */
export interface ManifestIssue {
  location: SourceLocation;
  path: FieldPath;
  message: string;
}

export type ManifestWarning = ManifestIssue;

export interface ManifestSet {
  pods: ManifestObject<Pod>[];
  configMaps: ManifestObject<ConfigMap>[];
  secrets: ManifestObject<Secret>[];
  persistentVolumeClaims: ManifestObject<PersistentVolumeClaim>[];
  /** Normalized as the API server defaults them (type, protocol, targetPort, sessionAffinity). */
  services: ManifestObject<Service>[];
  namespaces: ManifestObject<Namespace>[];
  /** Deployments, ReplicaSets, DaemonSets, Jobs and CronJobs (only with LoadOptions.workloads). */
  workloads: ManifestObject<WorkloadObject>[];
  /**
   * Objects accepted without effect (ServiceAccount, Role, NetworkPolicy, ...): the
   * caller prints ignoredObjectWarning() for each, once. Not in `warnings`.
   */
  ignored: ManifestObject<IgnoredObject>[];
  warnings: ManifestWarning[];
}

/** An object a controller runs; `kind` tells which. */
export type WorkloadObject =
  | (Deployment & { kind: 'Deployment' })
  | (ReplicaSet & { kind: 'ReplicaSet' })
  | (DaemonSet & { kind: 'DaemonSet' })
  | (Job & { kind: 'Job' })
  | (CronJob & { kind: 'CronJob' });

/** A validated object of a kind podrun accepts without effect (manifest/kinds.ts). */
export interface IgnoredObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/**
 * The keys a ConfigMap or Secret holds, for checking references to it; undefined when
 * the caller does not know that object. Kept synchronous so the pod stage can prefetch
 * what the engine holds and combine it with the ManifestSet.
 */
export type ConfigLookup = (
  kind: 'ConfigMap' | 'Secret',
  namespace: string,
  name: string,
) => ReadonlyArray<string> | undefined;

export type ValidationMode = 'strict' | 'warn' | 'ignore';

export interface LoadOptions {
  /** Namespace for objects that name none (kubectl's -n, else "default"). */
  defaultNamespace: string;
  /** As kubectl's --validate: strict rejects unknown fields; warn reports them; ignore skips schema checks. */
  validate: ValidationMode;
  /**
   * Also accept Service, Namespace and the kinds that have no effect on one engine
   * (ServiceAccount, RBAC, NetworkPolicy, HPA, PDB, ...). Off by default: until the
   * pod stage creates Services, a caller that does not look at `services`,
   * `namespaces` and `ignored` keeps rejecting those kinds as before.
   */
  bundle?: boolean;
  /**
   * Also accept the workload kinds (apps/v1 Deployment, ReplicaSet, DaemonSet,
   * batch/v1 Job) into `workloads`. Off by default: until the supervisor runs their
   * controllers, `apply` keeps rejecting those kinds as before. A list accepts only
   * those kinds (the ones the supervisor runs); the others are rejected as before.
   */
  workloads?: boolean | readonly WorkloadKind[];
}
