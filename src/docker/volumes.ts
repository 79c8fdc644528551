// Volume calls: pod-scoped volumes (emptyDir, configMap, secret) and claim volumes.
import type Docker from 'dockerode';
import { PodrunError } from '../errors.js';
import { labelFilter } from '../plan/labels.js';
import { type EngineVolume, engine } from './engine.js';
import { isInUse, isNotFound } from './errors.js';

export type VolumeInfo = EngineVolume;

export async function inspectVolume(name: string): Promise<VolumeInfo | undefined> {
  try {
    return await engine().inspectVolume(name);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Create a volume; creating one that exists returns the existing one (engine semantics). */
export async function createVolume(options: Docker.VolumeCreateOptions): Promise<VolumeInfo> {
  await engine().createVolume(options);
  const info = await inspectVolume(String(options.Name));
  if (!info) throw new PodrunError(`volume ${options.Name} vanished right after creation`);
  return info;
}

export async function removeVolume(name: string): Promise<void> {
  try {
    await engine().removeVolume(name);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/** Remove a volume, retrying briefly while a just-removed container still holds it. */
export async function removeVolumeWhenFree(name: string, attempts = 20): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await removeVolume(name);
      return;
    } catch (error) {
      if (!isInUse(error) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export async function listPodrunVolumes(
  match: Record<string, string | undefined> = {},
): Promise<VolumeInfo[]> {
  return engine().listVolumes({ label: labelFilter(match) });
}

/**
 * Volumes whose name starts with `prefix`, labelled or not: the engine makes an
 * unlabelled one itself when a container is created with a mount of a named volume
 * that does not exist (any more).
 */
export async function listVolumesNamed(prefix: string): Promise<VolumeInfo[]> {
  const listed = await engine().listVolumes({ name: [prefix] });
  return listed.filter((volume) => volume.Name.startsWith(prefix));
}
