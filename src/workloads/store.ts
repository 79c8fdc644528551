// Where Deployments, ReplicaSets, DaemonSets, Jobs and CronJobs live: holder containers, created and never
// started, whose labels are the object (docs/controllers.md, "Where the objects
// live"). One holder is one version: holder `podrun_<ns>_<Kind>_<name>_<seq>` carries
// the object JSON, its uid, spec hash, supervision scope and library owner. A new
// version is created under the next sequence number and only then are the older ones
// removed, so the object is never absent, and two writers of the same version meet
// on the engine's name check (409): one wins, the other reads again. The highest
// sequence is the object; an older holder left by a writer that died is ignored and
// swept. The little status that cannot be recomputed from pods (condition times,
// collisionCount) is a file in the holder, written by the supervisor.
import { createHash } from 'node:crypto';
import type { DaemonSet, Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import { canonicalJson } from '../controllers/hash.js';
import type { Owner } from '../controllers/intents.js';
import { putFiles, readFile as readContainerFile } from '../docker/archive.js';
import { createContainer, listPodrunContainers, removeContainer } from '../docker/containers.js';
import { isConflict, isNotFound } from '../docker/errors.js';
import { ensurePauseImage } from '../docker/pause-image.js';
import { Labels } from '../plan/labels.js';
import { LifecycleLabels } from '../pod/lifecycle/labels.js';
import { PODRUN_VERSION } from '../version.js';
import { type StoredKind, WORKLOAD_ROLE, WorkloadLabels } from './labels.js';

export type WorkloadOf<K extends StoredKind> = K extends 'Deployment'
  ? Deployment
  : K extends 'ReplicaSet'
    ? ReplicaSet
    : K extends 'DaemonSet'
      ? DaemonSet
      : K extends 'Job'
        ? Job
        : CronJob;
export type AnyWorkload = Deployment | ReplicaSet | DaemonSet | Job | CronJob;

export interface StoredWorkload<K extends StoredKind = StoredKind> {
  kind: K;
  namespace: string;
  name: string;
  uid: string;
  seq: number;
  specHash: string;
  /** io.podrun.supervised: the supervisor that runs its controller. */
  scope?: string;
  /** The library's owner label (reaper). */
  owner?: string;
  /** For a ReplicaSet a Deployment made: the Deployment's uid; for a CronJob's Job, the CronJob's. */
  controllerUid?: string;
  holderId: string;
  object: WorkloadOf<K>;
  /** Holders of older versions still on the engine (a writer died before removing them). */
  older: { id: string; created: number }[];
}

/** Another writer stored this version first: read the object again and decide again. */
export class StoreConflictError extends Error {
  override name = 'StoreConflictError';
}

export function holderName(kind: StoredKind, namespace: string, name: string, seq: number): string {
  return `podrun_${namespace}_${kind}_${name}_${seq}`;
}

/**
 * The spec hash of an object as applied: what `apply` compares to say `unchanged`.
 * The fields the store sets (uid, generation, creation time) and status are not in it.
 */
export function workloadSpecHash(object: AnyWorkload): string {
  const { uid, generation, creationTimestamp, resourceVersion, ...metadata } =
    object.metadata ?? {};
  void uid;
  void generation;
  void creationTimestamp;
  void resourceVersion;
  const hashed = { apiVersion: object.apiVersion, kind: object.kind, metadata, spec: object.spec };
  return createHash('sha256').update(canonicalJson(hashed)).digest('hex').slice(0, 16);
}

export interface StoreFilter {
  kind?: StoredKind;
  namespace?: string;
  name?: string;
  scope?: string;
}

/** Every stored object matching the filter: the newest version of each. */
export async function listStored(filter: StoreFilter = {}): Promise<StoredWorkload[]> {
  const holders = await listPodrunContainers({
    [Labels.role]: WORKLOAD_ROLE,
    [WorkloadLabels.kind]: filter.kind,
    [Labels.namespace]: filter.namespace,
    [WorkloadLabels.name]: filter.name,
    [LifecycleLabels.supervised]: filter.scope,
  });
  const byObject = new Map<string, typeof holders>();
  for (const holder of holders) {
    const labels = holder.Labels;
    const key = `${labels[WorkloadLabels.kind]}/${labels[Labels.namespace]}/${labels[WorkloadLabels.name]}`;
    byObject.set(key, [...(byObject.get(key) ?? []), holder]);
  }
  const out: StoredWorkload[] = [];
  for (const versions of byObject.values()) {
    versions.sort((a, b) => seqOf(b.Labels) - seqOf(a.Labels));
    const [newest, ...older] = versions;
    if (!newest) continue;
    const labels = newest.Labels;
    let object: AnyWorkload;
    try {
      object = JSON.parse(labels[WorkloadLabels.object] ?? '') as AnyWorkload;
    } catch {
      continue;
    }
    out.push({
      kind: labels[WorkloadLabels.kind] as StoredKind,
      namespace: labels[Labels.namespace] ?? '',
      name: labels[WorkloadLabels.name] ?? '',
      uid: labels[WorkloadLabels.uid] ?? '',
      seq: seqOf(labels),
      specHash: labels[Labels.specHash] ?? '',
      scope: labels[LifecycleLabels.supervised],
      owner: labels[Labels.owner],
      controllerUid: labels[WorkloadLabels.controllerUid],
      holderId: newest.Id,
      object,
      older: older.map((holder) => ({ id: holder.Id, created: holder.Created * 1000 })),
    } as StoredWorkload);
  }
  out.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  return out;
}

function seqOf(labels: Record<string, string>): number {
  return Number(labels[WorkloadLabels.seq] ?? 0) || 0;
}

export async function findStored<K extends StoredKind>(
  kind: K,
  namespace: string,
  name: string,
): Promise<StoredWorkload<K> | undefined> {
  const [found] = await listStored({ kind, namespace, name });
  return found as StoredWorkload<K> | undefined;
}

export interface WriteOptions {
  /** The version this write replaces (none: a new object). */
  previous?: StoredWorkload;
  scope?: string;
  owner?: string;
  specHash: string;
  /** The controller that owns this object (a Deployment's ReplicaSet); else the previous one's. */
  controller?: Owner;
}

/**
 * Store a new version of the object: create the holder of the next sequence number,
 * then remove the older ones. StoreConflictError when another writer made that
 * version first.
 */
export async function writeStored<K extends StoredKind>(
  kind: K,
  object: WorkloadOf<K>,
  options: WriteOptions,
): Promise<StoredWorkload<K>> {
  const namespace = object.metadata?.namespace ?? 'default';
  const name = object.metadata?.name ?? '';
  const uid = object.metadata?.uid ?? '';
  const seq = (options.previous?.seq ?? 0) + 1;
  const { status: _status, ...stored } = object as Deployment;
  const image = await ensurePauseImage();
  // A new version of an owned object stays owned (scale of a Deployment's ReplicaSet).
  const controllerUid = options.controller?.uid ?? options.previous?.controllerUid;
  const labels: Record<string, string> = {
    [Labels.managed]: 'true',
    [Labels.role]: WORKLOAD_ROLE,
    [Labels.version]: PODRUN_VERSION,
    [Labels.namespace]: namespace,
    [WorkloadLabels.kind]: kind,
    [WorkloadLabels.name]: name,
    [WorkloadLabels.uid]: uid,
    [WorkloadLabels.seq]: String(seq),
    [WorkloadLabels.object]: JSON.stringify(stored),
    [Labels.specHash]: options.specHash,
    ...(options.scope ? { [LifecycleLabels.supervised]: options.scope } : {}),
    ...(options.owner ? { [Labels.owner]: options.owner } : {}),
    ...(controllerUid ? { [WorkloadLabels.controllerUid]: controllerUid } : {}),
    ...(options.controller?.uid
      ? {
          [WorkloadLabels.controllerKind]: options.controller.kind,
          [WorkloadLabels.controllerName]: options.controller.name,
        }
      : {}),
  };
  let holderId: string;
  try {
    holderId = await createContainer({
      name: holderName(kind, namespace, name, seq),
      Image: image,
      Entrypoint: ['podrun-workload-holder'],
      Labels: labels,
      HostConfig: { NetworkMode: 'none' },
    });
  } catch (error) {
    if (isConflict(error))
      throw new StoreConflictError(`${kind} ${namespace}/${name}: version ${seq} exists`);
    throw error;
  }
  const previous = options.previous;
  if (previous) {
    await Promise.all(
      [previous.holderId, ...previous.older.map((o) => o.id)].map((id) => removeContainer(id)),
    );
  }
  return {
    kind,
    namespace,
    name,
    uid,
    seq,
    specHash: options.specHash,
    scope: options.scope,
    owner: options.owner,
    controllerUid,
    holderId,
    object: structuredClone(stored) as WorkloadOf<K>,
    older: [],
  };
}

/** Remove every version of the object (its status file with it). */
export async function removeStored(stored: StoredWorkload): Promise<void> {
  await Promise.all(
    [stored.holderId, ...stored.older.map((o) => o.id)].map((id) => removeContainer(id)),
  );
}

const STATUS_DIR = '/status';
const STATUS_FILE = 'status.json';

/** The status the supervisor last wrote into this holder (undefined: none yet, or gone). */
export async function readStoredStatus<T>(holderId: string): Promise<T | undefined> {
  try {
    const text = await readContainerFile(holderId, `${STATUS_DIR}/${STATUS_FILE}`);
    return text ? (JSON.parse(text) as T) : undefined;
  } catch (error) {
    if (isNotFound(error) || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

export async function writeStoredStatus(holderId: string, status: unknown): Promise<void> {
  const content = Buffer.from(JSON.stringify(status)).toString('base64');
  await putFiles(holderId, STATUS_DIR, [
    { path: STATUS_FILE, contentBase64: content, mode: 0o644 },
  ]);
}
