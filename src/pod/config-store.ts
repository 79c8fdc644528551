// ConfigMaps, Secrets and PersistentVolumeClaims outlive any one apply. With labels
// as the only state, each is a labelled Docker volume: a ConfigMap or Secret keeps
// its data in a label (a Secret's values stay base64, as in the Kubernetes API); a
// claim's volume holds the claim's data itself.
import type Docker from 'dockerode';
import type { ConfigMap, PersistentVolumeClaim, Secret } from 'kubernetes-types/core/v1.js';
import {
  createVolume,
  inspectVolume,
  listPodrunVolumes,
  removeVolumeWhenFree,
} from '../docker/volumes.js';
import { rememberSecretData } from '../log.js';
import { baseLabels, Labels } from '../plan/labels.js';
import { claimVolumeDockerName, configDataDockerName } from '../plan/names.js';
import { claimVolumeCreate } from '../plan/volumes.js';
import { PODRUN_VERSION } from '../version.js';

export interface ConfigMapData {
  data: Record<string, string>;
  binaryData: Record<string, string>;
}

export interface SecretData {
  data: Record<string, string>;
}

export type StoredKind = 'configmap' | 'secret';

export type StoreResult = 'created' | 'configured' | 'unchanged';

/**
 * On a ConfigMap's, Secret's or claim's volume: what `get` shows of the object besides
 * its data, as JSON (labels and annotations; a Secret's type; a claim's spec).
 */
export const OBJECT_LABEL = 'io.podrun.object';

/** kubectl's copy of the applied object: for a Secret it holds the values. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function objectLabelOf(object: ConfigMap | Secret | PersistentVolumeClaim): string {
  const { labels } = object.metadata ?? {};
  let annotations = object.metadata?.annotations;
  if (object.kind === 'Secret' && annotations?.[LAST_APPLIED] !== undefined) {
    const { [LAST_APPLIED]: _values, ...rest } = annotations;
    annotations = Object.keys(rest).length > 0 ? rest : undefined;
  }
  return JSON.stringify({
    metadata: { ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) },
    ...('type' in object && object.type ? { type: object.type } : {}),
    ...(object.kind === 'PersistentVolumeClaim' ? { spec: object.spec ?? {} } : {}),
  });
}

function payloadOf(kind: StoredKind, object: ConfigMap | Secret): string {
  if (kind === 'configmap') {
    const map = object as ConfigMap;
    return JSON.stringify({ data: map.data ?? {}, binaryData: map.binaryData ?? {} });
  }
  // The manifest stage has already folded stringData into data (base64).
  return JSON.stringify({ data: (object as Secret).data ?? {} });
}

export async function storeConfigObject(
  kind: StoredKind,
  object: ConfigMap | Secret,
  extraLabels: Record<string, string> = {},
): Promise<StoreResult> {
  const namespace = object.metadata?.namespace ?? 'default';
  const name = object.metadata?.name ?? '';
  const volumeName = configDataDockerName(kind, namespace, name);
  const payload = payloadOf(kind, object);
  const described = objectLabelOf(object);
  const existing = await inspectVolume(volumeName);
  if (
    existing &&
    existing.Labels?.[Labels.data] === payload &&
    (existing.Labels?.[OBJECT_LABEL] ?? described) === described
  )
    return 'unchanged';
  if (existing) await removeVolumeWhenFree(volumeName);
  await createVolume({
    Name: volumeName,
    Labels: baseLabels(kind, PODRUN_VERSION, {
      [Labels.namespace]: namespace,
      [Labels.pod]: '',
      [Labels.data]: payload,
      [OBJECT_LABEL]: described,
      'io.podrun.name': name,
      ...extraLabels,
    }),
  });
  return existing ? 'configured' : 'created';
}

export async function deleteConfigObject(
  kind: StoredKind,
  namespace: string,
  name: string,
): Promise<boolean> {
  const volumeName = configDataDockerName(kind, namespace, name);
  const existing = await inspectVolume(volumeName);
  if (existing?.Labels?.[Labels.managed] !== 'true') return false;
  await removeVolumeWhenFree(volumeName);
  return true;
}

/** The stored objects of one kind in a namespace, by name. */
async function loadStored<T>(kind: StoredKind, namespace: string): Promise<Map<string, T>> {
  const volumes = await listPodrunVolumes({ [Labels.role]: kind, [Labels.namespace]: namespace });
  const objects = new Map<string, T>();
  for (const volume of volumes) {
    const name = volume.Labels?.['io.podrun.name'];
    const payload = volume.Labels?.[Labels.data];
    if (name && payload) objects.set(name, JSON.parse(payload) as T);
  }
  return objects;
}

export function loadStoredConfigMaps(namespace: string): Promise<Map<string, ConfigMapData>> {
  return loadStored<ConfigMapData>('configmap', namespace);
}

export async function loadStoredSecrets(namespace: string): Promise<Map<string, SecretData>> {
  const secrets = await loadStored<SecretData>('secret', namespace);
  // From here on, podrun's own output (logs, errors, events) redacts these values.
  for (const secret of secrets.values()) rememberSecretData(secret.data);
  return secrets;
}

/** Make the claim's volume exist; its data survives every pod that mounts it. */
export async function ensureClaimVolume(
  claim: PersistentVolumeClaim,
  extraLabels: Record<string, string> = {},
): Promise<'created' | 'unchanged'> {
  const namespace = claim.metadata?.namespace ?? 'default';
  const name = claim.metadata?.name ?? '';
  return ensureVolume(
    claimVolumeCreate(namespace, name, PODRUN_VERSION, {
      ...extraLabels,
      [OBJECT_LABEL]: objectLabelOf({ ...claim, kind: 'PersistentVolumeClaim' }),
    }),
  );
}

/** A stored ConfigMap, Secret or claim as `get` lists it. */
export interface ListedConfigObject {
  namespace: string;
  name: string;
  createdAt: Date;
  /** Keys of data (and a ConfigMap's binaryData); a Secret's values are not here. */
  keys: string[];
  /** The ConfigMap's data, for -o yaml (never a Secret's). */
  configData?: ConfigMapData;
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  type?: string;
  spec?: PersistentVolumeClaim['spec'];
  /** The claim's engine volume (get pvc's VOLUME). */
  volume: string;
}

const ROLE_OF = { configmap: 'configmap', secret: 'secret', pvc: 'pvc' } as const;

/** The stored objects of a kind, in one namespace or all, by namespace and name. */
export async function listConfigObjects(
  kind: StoredKind | 'pvc',
  namespace?: string,
): Promise<ListedConfigObject[]> {
  const volumes = await listPodrunVolumes({
    [Labels.role]: ROLE_OF[kind],
    [Labels.namespace]: namespace,
  });
  const listed = volumes.flatMap((volume): ListedConfigObject[] => {
    const labels = volume.Labels ?? {};
    const name = labels['io.podrun.name'];
    const ns = labels[Labels.namespace];
    if (!name || !ns) return [];
    const described = JSON.parse(labels[OBJECT_LABEL] ?? '{}') as Pick<
      ListedConfigObject,
      'metadata' | 'type' | 'spec'
    >;
    const payload = JSON.parse(labels[Labels.data] ?? '{}') as Partial<ConfigMapData>;
    const keys = [...Object.keys(payload.data ?? {}), ...Object.keys(payload.binaryData ?? {})];
    const created = Date.parse(String((volume as { CreatedAt?: string }).CreatedAt ?? ''));
    return [
      {
        namespace: ns,
        name,
        createdAt: new Date(Number.isFinite(created) ? created : 0),
        keys,
        ...(kind === 'configmap'
          ? { configData: { data: payload.data ?? {}, binaryData: payload.binaryData ?? {} } }
          : {}),
        metadata: described.metadata ?? {},
        ...(described.type ? { type: described.type } : {}),
        ...(described.spec ? { spec: described.spec } : {}),
        volume: volume.Name,
      },
    ];
  });
  return listed.sort(
    (a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name),
  );
}

/**
 * Create a volume unless one of its name exists: a claim's, declared or (planned
 * `undeclared`) not, so both get the same labels.
 */
export async function ensureVolume(
  create: Docker.VolumeCreateOptions,
): Promise<'created' | 'unchanged'> {
  if (await inspectVolume(String(create.Name))) return 'unchanged';
  await createVolume(create);
  return 'created';
}

export async function claimExists(namespace: string, name: string): Promise<boolean> {
  return (await inspectVolume(claimVolumeDockerName(namespace, name))) !== undefined;
}

export async function deleteClaimVolume(namespace: string, name: string): Promise<boolean> {
  const volumeName = claimVolumeDockerName(namespace, name);
  const existing = await inspectVolume(volumeName);
  if (existing?.Labels?.[Labels.managed] !== 'true') return false;
  await removeVolumeWhenFree(volumeName);
  return true;
}
