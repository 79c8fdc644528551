// The writes of `podrun rollout restart|undo|pause|resume`: read the stored Deployment
// (and for undo its ReplicaSets), let the pure step (rollout.ts) make the new object,
// and store it as a new holder version, as apply and scale do: generation raised, uid
// and creation time kept. Another writer's version in between (409) means reading
// again and deciding again. The supervisor's next tick rolls the change out.
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import {
  findStored,
  listStored,
  StoreConflictError,
  type StoredWorkload,
  workloadSpecHash,
  writeStored,
} from './store.js';

const WRITE_TRIES = 5;

export class DeploymentNotFoundError extends Error {
  override name = 'DeploymentNotFoundError';
  constructor(namespace: string, name: string) {
    super(`deployments.apps "${name}" not found in namespace ${namespace}`);
  }
}

/**
 * Store `change(current, its ReplicaSets)` as the Deployment's next version; when it
 * returns undefined nothing is written. Resolves with what `change` returned.
 */
export async function updateDeployment<T>(
  namespace: string,
  name: string,
  change: (d: Deployment, sets: ReplicaSet[]) => { object?: Deployment; result: T },
): Promise<T> {
  for (let tries = 0; ; tries++) {
    const stored = await findStored('Deployment', namespace, name);
    if (!stored) throw new DeploymentNotFoundError(namespace, name);
    const sets = (await listStored({ kind: 'ReplicaSet', namespace }))
      .filter((rs): rs is StoredWorkload<'ReplicaSet'> => rs.controllerUid === stored.uid)
      .map((rs) => rs.object);
    const { object, result } = change(structuredClone(stored.object), sets);
    if (!object) return result;
    object.metadata = {
      ...object.metadata,
      generation: (stored.object.metadata?.generation ?? 1) + 1,
    };
    try {
      await writeStored('Deployment', object, {
        previous: stored,
        scope: stored.scope,
        owner: stored.owner,
        specHash: workloadSpecHash(object),
      });
      return result;
    } catch (error) {
      if (!(error instanceof StoreConflictError) || tries >= WRITE_TRIES) throw error;
    }
  }
}
