// Turn one PodPlan into running containers, in the kubelet's order: network and
// volumes, the sandbox (which owns the network and IPC namespaces), volume contents,
// init containers one at a time, then the app containers concurrently.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { putFiles } from '../docker/archive.js';
import { getDocker } from '../docker/client.js';
import {
  createContainer,
  inspectContainer,
  startContainer,
  waitContainer,
} from '../docker/containers.js';
import { engineMessage } from '../docker/errors.js';
import { ensureNetwork } from '../docker/networks.js';
import { createVolume, inspectVolume } from '../docker/volumes.js';
import { Labels } from '../plan/labels.js';
import type { PlannedContainer, PodPlan } from '../plan/types.js';
import type { CreatedObjects } from './created-objects.js';
import { prepareHostPath } from './host-paths.js';

export class PodStartError extends Error {
  override name = 'PodStartError';
}

export interface StartContext {
  created: CreatedObjects;
  signal?: AbortSignal;
  /** Re-plan with the pod IP once the sandbox runs (env from status.podIP). */
  replanWithPodIP(podIP: string): PodPlan;
}

export interface StartedPod {
  plan: PodPlan;
  podIP: string;
  sandboxId: string;
  containerIds: Map<string, string>;
  /** Set when an init container failed: app containers were not started (kubelet: Init:Error). */
  initFailure?: { container: string; exitCode: number };
}

function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new PodStartError('interrupted');
}

/** A long wait (an init container running) that Ctrl-C can cut short. */
function untilAborted<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  checkAborted(signal);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new PodStartError('interrupted'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Refuse to touch a name held by a container podrun did not create. */
async function assertNameFree(container: PlannedContainer): Promise<void> {
  const existing = await inspectContainer(container.dockerName);
  if (!existing) return;
  const labels = existing.Config.Labels ?? {};
  const ours =
    labels[Labels.managed] === 'true' &&
    labels[Labels.namespace] === container.create.Labels?.[Labels.namespace] &&
    labels[Labels.pod] === container.create.Labels?.[Labels.pod];
  if (!ours) {
    throw new PodStartError(
      `container name ${container.dockerName} is in use by a container podrun did not create; remove or rename it`,
    );
  }
  throw new PodStartError(
    `container ${container.dockerName} already exists; run podrun delete pod first`,
  );
}

async function createVolumes(plan: PodPlan, created: CreatedObjects): Promise<void> {
  for (const volume of plan.volumes) {
    if (volume.kind === 'hostPath') {
      prepareHostPath(volume.hostPath, volume.type);
    } else if (volume.kind === 'persistentVolumeClaim') {
      if (!(await inspectVolume(volume.dockerName))) {
        throw new PodStartError(
          `persistentvolumeclaim "${volume.claimName}" not found in namespace ${plan.namespace}`,
        );
      }
    } else {
      if (await inspectVolume(volume.dockerName)) {
        throw new PodStartError(
          `volume ${volume.dockerName} already exists; run podrun delete pod first`,
        );
      }
      await createVolume(volume.create);
      created.volume(volume.dockerName);
    }
  }
}

/** Bind-mount subPaths the engine cannot express itself (API < 1.45), from the volume's host path. */
async function resolveSubPathMounts(
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
    // such as one configMap key, is mounted as the file).
    if (!existsSync(source)) mkdirSync(source, { recursive: true });
    mounts.push({
      Type: 'bind',
      Source: source,
      Target: pending.target,
      ReadOnly: pending.readOnly,
    });
  }
  return { ...container.create, HostConfig: { ...container.create.HostConfig, Mounts: mounts } };
}

async function verifyNonRoot(container: PlannedContainer): Promise<void> {
  if (!container.verifyNonRoot) return;
  const docker = await getDocker();
  const image = await docker.getImage(container.image).inspect();
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

async function createAndStart(
  plan: PodPlan,
  container: PlannedContainer,
  created: CreatedObjects,
): Promise<string> {
  await verifyNonRoot(container);
  const options = await resolveSubPathMounts(plan, container);
  let id: string;
  try {
    id = await createContainer(options);
  } catch (error) {
    throw new PodStartError(`container ${container.name}: create failed: ${engineMessage(error)}`);
  }
  created.container(id);
  try {
    await startContainer(id);
  } catch (error) {
    throw new PodStartError(`container ${container.name}: start failed: ${engineMessage(error)}`);
  }
  return id;
}

/**
 * Fill the volumes the sandbox mounts before any app container starts: configMap,
 * secret and downwardAPI files, the emptyDir root mode (world-writable, as the
 * kubelet makes it) and subPath directories Docker needs to exist.
 */
async function populateVolumes(plan: PodPlan, sandboxId: string): Promise<void> {
  const subPaths = [...plan.initContainers, ...plan.containers].flatMap(
    (c) => c.volumeSubpaths ?? [],
  );
  await Promise.all(
    plan.volumes.map(async (volume) => {
      if (!('files' in volume) || !volume.populatePath) return;
      const directories = subPaths
        .filter((entry) => entry.volumeName === volume.name)
        .filter((entry) => !volume.files.some((file) => file.path === entry.subPath))
        .map((entry) => entry.subPath);
      await putFiles(sandboxId, volume.populatePath, volume.files, {
        rootMode: volume.rootMode,
        directories,
      });
    }),
  );
}

function podIPOf(info: Docker.ContainerInspectInfo, networkName: string): string {
  const networks = info.NetworkSettings?.Networks ?? {};
  return networks[networkName]?.IPAddress ?? '';
}

export async function startPod(initialPlan: PodPlan, context: StartContext): Promise<StartedPod> {
  const { created, signal } = context;
  let plan = initialPlan;
  const everyContainer = [plan.sandbox, ...plan.initContainers, ...plan.containers];
  await Promise.all(everyContainer.map(assertNameFree));
  checkAborted(signal);

  await ensureNetwork(plan.network.create);
  created.network(plan.network.name);
  await createVolumes(plan, created);
  checkAborted(signal);

  let sandboxId: string;
  try {
    sandboxId = await createContainer(plan.sandbox.create);
  } catch (error) {
    throw new PodStartError(`pod sandbox: create failed: ${engineMessage(error)}`);
  }
  created.container(sandboxId);
  await populateVolumes(plan, sandboxId);
  try {
    await startContainer(sandboxId);
  } catch (error) {
    throw new PodStartError(`pod sandbox: start failed: ${engineMessage(error)}`);
  }
  const sandboxInfo = await inspectContainer(sandboxId);
  const podIP = sandboxInfo ? podIPOf(sandboxInfo, plan.network.name) : '';
  if (plan.needsPodIP) plan = context.replanWithPodIP(podIP);
  checkAborted(signal);

  const containerIds = new Map<string, string>();
  for (const init of plan.initContainers) {
    checkAborted(signal);
    const id = await createAndStart(plan, init, created);
    containerIds.set(init.name, id);
    if (init.spec?.restartPolicy === 'Always') continue; // a native sidecar keeps running
    const exitCode = await untilAborted(waitContainer(id), signal);
    if (exitCode !== 0) {
      // Not an apply failure: the pod exists and reports Init:Error, as on a cluster.
      return {
        plan,
        podIP,
        sandboxId,
        containerIds,
        initFailure: { container: init.name, exitCode },
      };
    }
  }
  checkAborted(signal);

  const ids = await Promise.all(plan.containers.map((app) => createAndStart(plan, app, created)));
  for (const [index, app] of plan.containers.entries()) containerIds.set(app.name, ids[index]!);
  return { plan, podIP, sandboxId, containerIds };
}
