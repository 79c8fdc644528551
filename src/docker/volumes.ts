// Volume calls: pod-scoped volumes (emptyDir, configMap, secret) and claim volumes.
import type Docker from 'dockerode';
import { timed } from '../log.js';
import { labelFilter } from '../plan/labels.js';
import { getDocker } from './client.js';
import { isConflict, isNotFound } from './errors.js';

export interface VolumeInfo {
  Name: string;
  Labels: Record<string, string> | null;
  Mountpoint: string;
  Options?: Record<string, string> | null;
}

export async function inspectVolume(name: string): Promise<VolumeInfo | undefined> {
  const docker = await getDocker();
  try {
    return (await timed(`inspect volume ${name}`, () =>
      docker.getVolume(name).inspect(),
    )) as VolumeInfo;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Create a volume; creating one that exists returns the existing one (engine semantics). */
export async function createVolume(options: Docker.VolumeCreateOptions): Promise<VolumeInfo> {
  const docker = await getDocker();
  return timed(`create volume ${options.Name}`, async () => {
    await docker.createVolume(options);
    const info = await inspectVolume(String(options.Name));
    if (!info) throw new Error(`volume ${options.Name} vanished right after creation`);
    return info;
  });
}

export async function removeVolume(name: string): Promise<void> {
  const docker = await getDocker();
  await timed(`remove volume ${name}`, async () => {
    try {
      await docker.getVolume(name).remove();
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  });
}

/** Remove a volume, retrying briefly while a just-removed container still holds it. */
export async function removeVolumeWhenFree(name: string, attempts = 20): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await removeVolume(name);
      return;
    } catch (error) {
      if (!isConflict(error) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export async function listPodrunVolumes(
  match: Record<string, string | undefined> = {},
): Promise<VolumeInfo[]> {
  const docker = await getDocker();
  const result = await timed('list volumes', () =>
    docker.listVolumes({ filters: { label: labelFilter(match) } }),
  );
  return (result.Volumes ?? []) as VolumeInfo[];
}
