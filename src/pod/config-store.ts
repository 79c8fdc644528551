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
  const existing = await inspectVolume(volumeName);
  if (existing && existing.Labels?.[Labels.data] === payload) return 'unchanged';
  if (existing) await removeVolumeWhenFree(volumeName);
  await createVolume({
    Name: volumeName,
    Labels: baseLabels(kind, PODRUN_VERSION, {
      [Labels.namespace]: namespace,
      [Labels.pod]: '',
      [Labels.data]: payload,
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
  return ensureVolume(claimVolumeCreate(namespace, name, PODRUN_VERSION, extraLabels));
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
