// Final create options of one planned container: subPath bind mounts resolved from
// the volume's host path, and the runAsNonRoot check against the image's USER.
import { join } from 'node:path';
import type Docker from 'dockerode';
import { inspectImage } from '../docker/images.js';
import { inspectVolume } from '../docker/volumes.js';
import type { PlannedContainer, PodPlan } from '../plan/types.js';
import { PodStartError } from './errors.js';
import { makeSubPathDir } from './host-paths.js';

/** Bind-mount subPaths the engine cannot express itself (API < 1.45), from the volume's host path. */
export async function resolveSubPathMounts(
  plan: PodPlan,
  container: PlannedContainer,
): Promise<Docker.ContainerCreateOptions> {
  if (container.subPathMounts.length === 0) return container.create;
  const mounts = [...(container.create.HostConfig?.Mounts ?? [])];
  for (const pending of container.subPathMounts) {
    const volume = plan.volumes.find((candidate) => candidate.name === pending.volumeName);
    if (!volume || volume.kind === 'hostPath') {
      throw new PodStartError(`subPath mount of unknown volume ${pending.volumeName}`);
    }
    const info = await inspectVolume(volume.dockerName);
    if (!info) throw new PodStartError(`volume ${volume.dockerName} is missing`);
    const source = join(info.Mountpoint, pending.subPath);
    // As the kubelet: a missing subPath is created as a directory (an existing file,
    // such as one configMap key, is mounted as the file). The sandbox made those of
    // pod volumes already; a claim's volume it does not mount, so here, on the host.
    if (volume.kind === 'persistentVolumeClaim') makeSubPathDir(info.Mountpoint, pending.subPath);
    mounts.push({
      Type: 'bind',
      Source: source,
      Target: pending.target,
      ReadOnly: pending.readOnly,
    });
  }
  return { ...container.create, HostConfig: { ...container.create.HostConfig, Mounts: mounts } };
}

export async function verifyNonRoot(container: PlannedContainer): Promise<void> {
  if (!container.verifyNonRoot) return;
  const image = await inspectImage(container.image);
  const user = image.Config?.User ?? '';
  const uid = user.split(':')[0] ?? '';
  if (uid === '' || uid === '0' || uid === 'root') {
    throw new PodStartError(
      `container ${container.name}: runAsNonRoot is set but image ${container.image} runs as root; set securityContext.runAsUser`,
    );
  }
  if (!/^\d+$/.test(uid)) {
    throw new PodStartError(
      `container ${container.name}: runAsNonRoot is set and image user "${uid}" is not numeric, so it cannot be verified; set securityContext.runAsUser`,
    );
  }
}
