// `apply` of Deployments, ReplicaSets, DaemonSets and Jobs: store each object (store.ts) and nothing
// more. The supervisor of the scope runs their controllers (sync.ts): it is the one
// writer that creates and deletes their ReplicaSets and pods, so two applies, or an
// apply and a supervisor, never both make the missing replicas. As the API server
// does, the object gets its uid and creation time when first stored, and its
// metadata.generation moves on when its spec changes.
import { randomUUID } from 'node:crypto';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import { canonicalJson } from '../controllers/hash.js';
import type { ManifestObject, WorkloadObject } from '../manifest/types.js';
import { STORED_KINDS, type StoredKind } from './labels.js';
import {
  type AnyWorkload,
  findStored,
  StoreConflictError,
  type StoredWorkload,
  workloadSpecHash,
  writeStored,
} from './store.js';

export interface WorkloadApplyResult {
  kind: StoredKind;
  namespace: string;
  name: string;
  action: 'created' | 'configured' | 'unchanged';
}

export interface WorkloadApplyOptions {
  /** The supervision scope whose supervisor runs the controllers. */
  supervise?: string;
  /** The library's owner label. */
  owner?: string;
  dryRun?: boolean;
}

const WRITE_TRIES = 5;

function isStoredKind(kind: unknown): kind is StoredKind {
  return STORED_KINDS.includes(kind as StoredKind);
}

/** The object as stored: the user's, with the fields the API server sets. */
export function storedObject<T extends AnyWorkload>(
  object: T,
  existing: StoredWorkload | undefined,
  now: Date,
): T {
  const before = existing?.object;
  const generation = before?.metadata?.generation ?? 1;
  const specChanged =
    before !== undefined && canonicalJson(before.spec) !== canonicalJson(object.spec);
  const { status: _status, ...rest } = object as Deployment;
  return {
    ...rest,
    metadata: {
      ...object.metadata,
      uid: existing?.uid ?? randomUUID(),
      generation: specChanged ? generation + 1 : generation,
      creationTimestamp: before?.metadata?.creationTimestamp ?? now.toISOString(),
    },
  } as T;
}

export async function applyWorkloads(
  workloads: readonly ManifestObject<WorkloadObject>[],
  options: WorkloadApplyOptions,
): Promise<{ results: WorkloadApplyResult[]; createdHolders: string[] }> {
  const results: WorkloadApplyResult[] = [];
  const createdHolders: string[] = [];
  for (const { object } of workloads) {
    const kind = object.kind;
    if (!isStoredKind(kind)) continue;
    const namespace = object.metadata?.namespace ?? 'default';
    const name = object.metadata?.name ?? '';
    const specHash = workloadSpecHash(object as Deployment);
    const base = { kind, namespace, name };
    for (let tries = 0; ; tries++) {
      const existing = await findStored(kind, namespace, name);
      if (existing && existing.specHash === specHash && existing.scope === options.supervise) {
        results.push({ ...base, action: 'unchanged' });
        break;
      }
      const action = existing ? 'configured' : 'created';
      if (options.dryRun) {
        results.push({ ...base, action });
        break;
      }
      try {
        const stored = await writeStored(
          kind,
          storedObject(object as Deployment, existing, new Date()),
          { previous: existing, scope: options.supervise, owner: options.owner, specHash },
        );
        if (!existing) createdHolders.push(stored.holderId);
        results.push({ ...base, action });
        break;
      } catch (error) {
        // Another apply stored a version first: read it and decide again.
        if (!(error instanceof StoreConflictError) || tries >= WRITE_TRIES) throw error;
      }
    }
  }
  return { results, createdHolders };
}
