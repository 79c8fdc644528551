// What `podrun up` leaves when it ends (every pod finished, --abort-on-container-exit,
// Ctrl-C, SIGTERM): nothing of its bundle, as `podman kube play --wait` does. The
// pods go first, gracefully (preStop, grace period, apps before sidecars, pause
// last), while their Services still route to whoever is left; then the Services'
// proxies, the ConfigMaps and Secrets, the claims' volumes this run created (a claim
// that was there before keeps its data, as podman keeps volumes it did not create),
// and last each touched namespace's network once nothing uses it. Every object is
// tried: one that cannot be removed is a line to `onError`, and the others still go.
import { deleteClaimVolume, deleteConfigObject } from '../pod/config-store.js';
import { deletePodRecord } from '../pod/delete-pod.js';
import { findPodRecord } from '../pod/records.js';
import { findServiceRecord } from '../pod/service-records.js';
import { deleteServiceRecord } from './delete-service.js';
import { removeNamespaceIfUnused } from './namespaces.js';

/** The part of an apply result a teardown needs (pod/apply.ts ApplyResult). */
export interface AppliedObject {
  kind: 'Pod' | 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim' | 'Service' | 'Namespace';
  namespace: string;
  name: string;
  action: 'created' | 'configured' | 'unchanged';
}

export interface TearDownOptions {
  /** "stopping pod/x", "removing service/y": one line per object as it goes. */
  onLine?: (line: string) => void;
  onError?: (line: string) => void;
}

/** What a teardown removes, in its order (pure: the decision apart from the removal). */
export function tearDownOrder(applied: readonly AppliedObject[]): AppliedObject[] {
  const of = (kind: AppliedObject['kind']) => applied.filter((object) => object.kind === kind);
  const namespaces = new Map<string, AppliedObject>();
  for (const object of applied) {
    if (object.kind === 'Namespace') namespaces.set(object.name, object);
  }
  // The networks of Services' namespaces too: the last proxy out leaves it unused.
  for (const object of [...of('Service'), ...of('Pod')]) {
    if (!namespaces.has(object.namespace)) {
      namespaces.set(object.namespace, {
        kind: 'Namespace',
        namespace: object.namespace,
        name: object.namespace,
        action: 'unchanged',
      });
    }
  }
  return [
    ...of('Pod'),
    ...of('Service'),
    ...of('ConfigMap'),
    ...of('Secret'),
    ...of('PersistentVolumeClaim').filter((claim) => claim.action === 'created'),
    ...namespaces.values(),
  ];
}

async function removeOne(object: AppliedObject, options: TearDownOptions): Promise<void> {
  const { namespace, name } = object;
  switch (object.kind) {
    case 'Pod': {
      const record = await findPodRecord(namespace, name);
      if (!record) return;
      options.onLine?.(`stopping pod/${name}`);
      await deletePodRecord(record);
      return;
    }
    case 'Service': {
      const record = await findServiceRecord(namespace, name);
      if (!record) return;
      options.onLine?.(`removing service/${name}`);
      await deleteServiceRecord(record);
      return;
    }
    case 'ConfigMap':
    case 'Secret': {
      const kind = object.kind === 'ConfigMap' ? 'configmap' : 'secret';
      if (await deleteConfigObject(kind, namespace, name)) {
        options.onLine?.(`removed ${kind}/${name}`);
      }
      return;
    }
    case 'PersistentVolumeClaim':
      if (await deleteClaimVolume(namespace, name)) {
        options.onLine?.(`removed persistentvolumeclaim/${name}`);
      }
      return;
    case 'Namespace':
      // Its network, once no pod or Service of anyone uses it.
      await removeNamespaceIfUnused(name);
      return;
  }
}

export async function tearDownBundle(
  applied: readonly AppliedObject[],
  options: TearDownOptions = {},
): Promise<void> {
  for (const object of tearDownOrder(applied)) {
    try {
      await removeOne(object, options);
    } catch (error) {
      options.onError?.(
        `could not remove ${object.kind.toLowerCase()}/${object.name}: ${(error as Error).message}`,
      );
    }
  }
}
