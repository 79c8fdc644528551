// podrun get configmaps|secrets|persistentvolumeclaims|namespaces: the objects that
// live as labelled volumes (pod/config-store.ts) and the namespaces podrun has made,
// in kubectl's columns (pkg/printers/internalversion: printConfigMap, printSecret,
// printPersistentVolumeClaim, printNamespace). A Secret's values never leave the
// store: its table counts them and -o yaml|json shows the object without its data.
import type {
  ConfigMap,
  Namespace,
  PersistentVolumeClaim,
  Secret,
} from 'kubernetes-types/core/v1.js';
import { listPodrunContainers } from '../../docker/containers.js';
import { listPodrunNetworks } from '../../docker/networks.js';
import { Labels } from '../../plan/labels.js';
import { type ListedConfigObject, listConfigObjects } from '../../pod/config-store.js';
import { formatAge } from '../output.js';
import type { ListedView } from './services.js';

export type ConfigKind = 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim' | 'Namespace';

const TYPES: Record<string, ConfigKind> = {
  cm: 'ConfigMap',
  configmap: 'ConfigMap',
  configmaps: 'ConfigMap',
  secret: 'Secret',
  secrets: 'Secret',
  pvc: 'PersistentVolumeClaim',
  persistentvolumeclaim: 'PersistentVolumeClaim',
  persistentvolumeclaims: 'PersistentVolumeClaim',
  ns: 'Namespace',
  namespace: 'Namespace',
  namespaces: 'Namespace',
};

export function configKindOf(type: string): ConfigKind | undefined {
  return TYPES[type.toLowerCase()];
}

/** `-o name`'s resource: configmap/x, persistentvolumeclaim/x. */
export function configResource(kind: ConfigKind): string {
  return kind.toLowerCase();
}

const PLURAL: Record<ConfigKind, string> = {
  ConfigMap: 'configmaps',
  Secret: 'secrets',
  PersistentVolumeClaim: 'persistentvolumeclaims',
  Namespace: 'namespaces',
};

interface ListFlags {
  namespace: string;
  allNamespaces?: boolean;
  output?: string;
}

const ACCESS_MODES: Record<string, string> = {
  ReadWriteOnce: 'RWO',
  ReadOnlyMany: 'ROX',
  ReadWriteMany: 'RWX',
  ReadWriteOncePod: 'RWOP',
};

function metadataOf(listed: ListedConfigObject) {
  return {
    name: listed.name,
    namespace: listed.namespace,
    creationTimestamp: listed.createdAt.toISOString(),
    ...listed.metadata,
  };
}

/** The row and the object -o prints, for one stored object of the kind. */
export function configView(
  kind: ConfigKind,
  listed: ListedConfigObject,
  wide: boolean,
): ListedView {
  const age = formatAge(listed.createdAt);
  const base = { namespace: listed.namespace, name: listed.name, labels: listed.metadata.labels };
  if (kind === 'ConfigMap') {
    const object: ConfigMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: metadataOf(listed),
      ...(Object.keys(listed.configData?.data ?? {}).length > 0
        ? { data: listed.configData?.data }
        : {}),
      ...(Object.keys(listed.configData?.binaryData ?? {}).length > 0
        ? { binaryData: listed.configData?.binaryData }
        : {}),
    };
    return { ...base, object, cells: [listed.name, String(listed.keys.length), age] };
  }
  if (kind === 'Secret') {
    const type = listed.type ?? 'Opaque';
    const object: Secret = { apiVersion: 'v1', kind: 'Secret', metadata: metadataOf(listed), type };
    return { ...base, object, cells: [listed.name, type, String(listed.keys.length), age] };
  }
  // A claim is bound from its first moment: its volume is made with it.
  const spec = listed.spec ?? {};
  const capacity = spec.resources?.requests?.storage;
  const object: PersistentVolumeClaim = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: metadataOf(listed),
    spec: { ...spec, volumeName: listed.volume },
    status: {
      phase: 'Bound',
      ...(spec.accessModes ? { accessModes: spec.accessModes } : {}),
      ...(capacity ? { capacity: { storage: capacity } } : {}),
    },
  };
  const modes = (spec.accessModes ?? []).map((mode) => ACCESS_MODES[mode] ?? mode).join(',');
  return {
    ...base,
    object,
    cells: [
      listed.name,
      'Bound',
      listed.volume,
      capacity ?? '',
      modes,
      spec.storageClassName ?? '',
      spec.volumeAttributesClassName ?? '<unset>',
      age,
      ...(wide ? [spec.volumeMode ?? 'Filesystem'] : []),
    ],
  };
}

export const CONFIG_HEADERS: Record<Exclude<ConfigKind, 'Namespace'>, string[]> = {
  ConfigMap: ['NAME', 'DATA', 'AGE'],
  Secret: ['NAME', 'TYPE', 'DATA', 'AGE'],
  PersistentVolumeClaim: [
    'NAME',
    'STATUS',
    'VOLUME',
    'CAPACITY',
    'ACCESS MODES',
    'STORAGECLASS',
    'VOLUMEATTRIBUTESCLASS',
    'AGE',
  ],
};

function checkNames(kind: ConfigKind, names: string[], views: ListedView[], namespace: string) {
  for (const name of names) {
    if (!views.some((view) => view.name === name)) {
      throw new Error(
        kind === 'Namespace'
          ? `namespaces "${name}" not found`
          : `${PLURAL[kind]} "${name}" not found in namespace ${namespace}`,
      );
    }
  }
}

export async function configViews(
  kind: ConfigKind,
  names: string[],
  flags: ListFlags,
): Promise<{ header: string[]; views: ListedView[] }> {
  if (kind === 'Namespace') return namespaceViews(names);
  const store = kind === 'ConfigMap' ? 'configmap' : kind === 'Secret' ? 'secret' : 'pvc';
  const wide = flags.output === 'wide';
  const listed = await listConfigObjects(store, flags.allNamespaces ? undefined : flags.namespace);
  const views = listed
    .map((object) => configView(kind, object, wide))
    .filter((view) => names.length === 0 || names.includes(view.name));
  checkNames(kind, names, views, flags.namespace);
  const header = [
    ...CONFIG_HEADERS[kind],
    ...(wide && kind === 'PersistentVolumeClaim' ? ['VOLUMEMODE'] : []),
  ];
  return { header, views };
}

/**
 * The namespaces podrun has made: each has a network (its pods and Services live on
 * it, a Namespace object makes it too), or at least a stored object; `default` is
 * always there, as in every cluster. Its age is its oldest object's.
 */
async function namespaceViews(names: string[]): Promise<{ header: string[]; views: ListedView[] }> {
  const [networks, containers, ...stored] = await Promise.all([
    listPodrunNetworks({}),
    listPodrunContainers({}),
    listConfigObjects('configmap'),
    listConfigObjects('secret'),
    listConfigObjects('pvc'),
  ]);
  const oldest = new Map<string, number>();
  const seen = (namespace: string | undefined, at: number) => {
    if (!namespace) return;
    const known = oldest.get(namespace);
    if (known === undefined || (Number.isFinite(at) && at < known)) oldest.set(namespace, at);
  };
  for (const network of networks)
    seen(network.Labels?.[Labels.namespace], Date.parse(String(network.Created ?? '')));
  for (const container of containers)
    seen(container.Labels?.[Labels.namespace], container.Created * 1000);
  for (const object of stored.flat()) seen(object.namespace, object.createdAt.getTime());
  if (!oldest.has('default')) oldest.set('default', Number.NaN);
  const views = [...oldest]
    .sort(([a], [b]) => a.localeCompare(b))
    .filter(([name]) => names.length === 0 || names.includes(name))
    .map(([name, at]): ListedView => {
      const created = Number.isFinite(at) ? new Date(at) : undefined;
      const object: Namespace = {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name,
          labels: { 'kubernetes.io/metadata.name': name },
          ...(created ? { creationTimestamp: created.toISOString() } : {}),
        },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      };
      return {
        namespace: '',
        name,
        labels: object.metadata?.labels,
        object,
        cells: [name, 'Active', created ? formatAge(created) : '<unknown>'],
      };
    });
  checkNames('Namespace', names, views, '');
  return { header: ['NAME', 'STATUS', 'AGE'], views };
}
