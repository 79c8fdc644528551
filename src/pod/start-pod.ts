// Turn one PodPlan into running containers, in the kubelet's order: network and
// volumes, the sandbox (which owns the network and IPC namespaces), volume contents,
// init containers one at a time, then the app containers concurrently.

import { readFileSync } from 'node:fs';
import type Docker from 'dockerode';
import { pathExists, putFiles, readFile } from '../docker/archive.js';
import {
  createContainer,
  inspectContainer,
  removeContainer,
  startContainer,
  waitContainer,
} from '../docker/containers.js';
import { engineMessage, isConflict, isNotFound } from '../docker/errors.js';
import { ensureNetworkId } from '../docker/networks.js';
import { createVolume, inspectVolume, removeVolume } from '../docker/volumes.js';
import { podResolvConf, RESOLV_CONF_PATH } from '../plan/dns.js';
import { Labels } from '../plan/labels.js';
import type { PlannedContainer, PodPlan } from '../plan/types.js';
import type { CreatedObjects } from './created-objects.js';
import { PodStartError } from './errors.js';
import { makeSubPathDir, prepareHostPath } from './host-paths.js';
import type { EventSink } from './lifecycle/event-log.js';
import { fenceCreated } from './lifecycle/fence.js';
import { type LaunchContext, launchContainer, podLevelLabels } from './lifecycle/launch.js';
import { createStartingMarker } from './lifecycle/markers.js';
import { inspectedHostPorts } from './lifecycle/plan-input.js';

export { PodStartError };

/** The host's resolver config, the base of dnsPolicy Default (the engine runs on this host). */
const HOST_RESOLV_CONF = '/etc/resolv.conf';

export interface StartContext {
  created: CreatedObjects;
  signal?: AbortSignal;
  /** Re-plan with the pod IP once the sandbox runs (env from status.podIP). */
  replanWithPodIP(podIP: string): PodPlan;
  /** io.podrun.supervised value: a supervisor keeps this pod alive. */
  supervised?: string;
  events?: EventSink;
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

/** The subPaths the pod's containers mount in one volume. */
function subPathsOf(plan: PodPlan, volumeName: string): string[] {
  const all = [...plan.initContainers, ...plan.containers].flatMap((c) => c.volumeSubpaths ?? []);
  return [...new Set(all.filter((e) => e.volumeName === volumeName).map((e) => e.subPath))];
}

async function createVolumes(
  plan: PodPlan,
  created: CreatedObjects | undefined,
  reuse: boolean,
): Promise<void> {
  const made: string[] = [];
  for (const volume of plan.volumes) {
    if (volume.kind === 'hostPath') {
      prepareHostPath(volume.hostPath, volume.type);
      for (const subPath of subPathsOf(plan, volume.name)) makeSubPathDir(volume.hostPath, subPath);
    } else if (volume.kind === 'persistentVolumeClaim') {
      if (!(await inspectVolume(volume.dockerName))) {
        throw new PodStartError(
          `persistentvolumeclaim "${volume.claimName}" not found in namespace ${plan.namespace}`,
        );
      }
    } else {
      if (await inspectVolume(volume.dockerName)) {
        if (reuse) continue;
        throw new PodStartError(
          `volume ${volume.dockerName} already exists; run podrun delete pod first`,
        );
      }
      await createVolume(volume.create);
      created?.volume(volume.dockerName);
      made.push(volume.dockerName);
    }
  }
  // The delete fence (lifecycle/fence.ts): a deletion begun meanwhile undoes these.
  if (made.length > 0) {
    await fenceCreated(plan.namespace, plan.name, async () => {
      await Promise.all(made.map((name) => removeVolume(name)));
    });
  }
}

/** The namespace network's ID (created, guarded, if need be). */
async function ensurePodNetwork(
  plan: PodPlan,
  created: CreatedObjects | undefined,
): Promise<string> {
  const network = await ensureNetworkId(plan.network.create, { image: plan.sandbox.image });
  // Only a network this call made is this record's to remove on rollback.
  if (network.created) created?.network(plan.network.name);
  return network.id;
}

/**
 * The sandbox's create options, naming the network by ID: a duplicate of its name
 * (an older podrun made one) can never make the create ambiguous.
 */
function sandboxCreateOptions(
  plan: PodPlan,
  networkId: string,
  supervised: string | undefined,
): Docker.ContainerCreateOptions {
  const base = plan.sandbox.create;
  const endpoints = base.NetworkingConfig?.EndpointsConfig ?? {};
  const endpoint = endpoints[plan.network.name];
  return {
    ...base,
    HostConfig: { ...base.HostConfig, NetworkMode: networkId },
    NetworkingConfig: endpoint
      ? { EndpointsConfig: { [networkId]: endpoint } }
      : base.NetworkingConfig,
    Labels: { ...base.Labels, ...podLevelLabels(plan, supervised) },
  };
}

/**
 * Fill the volumes the sandbox mounts before any app container starts: configMap,
 * secret and downwardAPI files, the emptyDir root mode (world-writable, as the
 * kubelet makes it) and the subPath directories the containers mount, with the
 * root's mode as the kubelet gives them (an existing file or directory stays as is:
 * the engine does not change an existing directory's mode from a tar entry).
 */
async function populateVolumes(plan: PodPlan, sandboxId: string, reused: boolean): Promise<void> {
  await Promise.all(
    plan.volumes.map(async (volume) => {
      if (!('files' in volume) || !volume.populatePath) return;
      const populatePath = volume.populatePath;
      let directories = subPathsOf(plan, volume.name).filter(
        (subPath) => !volume.files.some((file) => file.path === subPath),
      );
      // A kept volume (sandbox rebuild) may hold them already, perhaps chowned by an
      // init container: the upload would reset an existing one's owner and mode.
      if (reused && directories.length > 0) {
        const exists = await Promise.all(
          directories.map((subPath) => pathExists(sandboxId, `${populatePath}/${subPath}`)),
        );
        directories = directories.filter((_, index) => !exists[index]);
      }
      await putFiles(sandboxId, populatePath, volume.files, {
        rootMode: volume.rootMode,
        directories,
      });
    }),
  );
}

/**
 * Write the pod's resolv.conf (plan.dns) into its volume once the sandbox runs, before
 * any init or app container (which bind-mount it) starts. The merge base is the
 * engine's file of the pause container (ClusterFirst) or the host's (Default).
 */
async function writeResolvConf(plan: PodPlan, sandboxId: string): Promise<void> {
  const dns = plan.dns;
  if (!dns) return;
  const volume = plan.volumes.find((candidate) => candidate.name === dns.volumeName);
  if (!volume || !('populatePath' in volume) || !volume.populatePath) {
    throw new PodStartError(`pod sandbox: the ${dns.volumeName} volume is not planned`);
  }
  let baseText = '';
  try {
    if (dns.base === 'engine') baseText = await readFile(sandboxId, RESOLV_CONF_PATH);
    if (dns.base === 'host') baseText = readFileSync(HOST_RESOLV_CONF, 'utf8');
  } catch (error) {
    throw new PodStartError(
      `pod sandbox: cannot read the base resolv.conf: ${engineMessage(error)}`,
    );
  }
  const content = podResolvConf(dns, baseText);
  const file = {
    path: dns.file,
    contentBase64: Buffer.from(content).toString('base64'),
    mode: 0o644,
  };
  await putFiles(sandboxId, volume.populatePath, [file]);
}

function podIPOf(info: Docker.ContainerInspectInfo, networkName: string): string {
  const networks = info.NetworkSettings?.Networks ?? {};
  return networks[networkName]?.IPAddress ?? '';
}

/**
 * Network, volumes and a started sandbox. `reuseVolumes` (a sandbox rebuild):
 * pod volumes that exist are kept, as the kubelet keeps emptyDirs for the pod's life.
 */
export async function startSandbox(
  plan: PodPlan,
  options: { created?: CreatedObjects; supervised?: string; reuseVolumes?: boolean },
): Promise<{ sandboxId: string; podIP: string; hostPorts?: Record<string, string> }> {
  let networkId = await ensurePodNetwork(plan, options.created);
  await createVolumes(plan, options.created, options.reuseVolumes ?? false);
  let sandboxId: string | undefined;
  for (let tries = 0; sandboxId === undefined; tries++) {
    try {
      sandboxId = await createContainer(sandboxCreateOptions(plan, networkId, options.supervised));
    } catch (error) {
      // The last pod of the namespace was deleted since (its network with it): again.
      if (isNotFound(error) && /network/i.test(engineMessage(error)) && tries < 3) {
        networkId = await ensurePodNetwork(plan, options.created);
        continue;
      }
      throw new PodStartError(`pod sandbox: create failed: ${engineMessage(error)}`, {
        cause: error,
      });
    }
  }
  const id = sandboxId;
  options.created?.container(id);
  await fenceCreated(plan.namespace, plan.name, () => removeContainer(id));
  await populateVolumes(plan, id, options.reuseVolumes ?? false);
  try {
    await startContainer(id);
  } catch (error) {
    throw new PodStartError(`pod sandbox: start failed: ${engineMessage(error)}`, {
      cause: error,
    });
  }
  await writeResolvConf(plan, id);
  const sandboxInfo = await inspectContainer(id);
  const podIP = sandboxInfo ? podIPOf(sandboxInfo, plan.network.name) : '';
  return { sandboxId: id, podIP, hostPorts: inspectedHostPorts(sandboxInfo) };
}

/**
 * The first run of a pod, in the foreground: sandbox, init containers in order (a
 * sidecar only until it has started), then the app containers together. An init
 * failure ends it early (Init:Error); if the restart policy retries, the supervisor
 * (or `podrun up`) takes over from there with back-off, as it does for every later
 * restart.
 */
export async function startPod(initialPlan: PodPlan, context: StartContext): Promise<StartedPod> {
  const everyContainer = [
    initialPlan.sandbox,
    ...initialPlan.initContainers,
    ...initialPlan.containers,
  ];
  await Promise.all(everyContainer.map(assertNameFree));
  checkAborted(context.signal);
  // Hold the STARTING marker while this process drives the pod through its first
  // start, so a supervisor does not race it. It stays in `context.created` after this
  // returns: the caller releases it once the pod is reported (so a Ctrl-C before that
  // rolls the pod back with no supervisor acting on it), and a rollback removes it last.
  // The network does not depend on the marker: make both at once (it is the slowest
  // call before the sandbox; startSandbox then finds it in place).
  const [markerResult, networkResult] = await Promise.allSettled([
    createStartingMarker(initialPlan, context.supervised),
    ensureNetworkId(initialPlan.network.create, { image: initialPlan.sandbox.image }),
  ]);
  if (markerResult.status === 'fulfilled') context.created.marker(markerResult.value);
  if (networkResult.status === 'fulfilled' && networkResult.value.created)
    context.created.network(initialPlan.network.name);
  if (markerResult.status === 'rejected') {
    if (!isConflict(markerResult.reason)) throw markerResult.reason;
    throw new PodStartError(`pod ${initialPlan.name} is being started by another podrun process`);
  }
  if (networkResult.status === 'rejected') throw networkResult.reason;
  return startPodSteps(initialPlan, context);
}

async function startPodSteps(initialPlan: PodPlan, context: StartContext): Promise<StartedPod> {
  const { created, signal } = context;
  let plan = initialPlan;

  const { sandboxId, podIP, hostPorts } = await startSandbox(plan, {
    created,
    supervised: context.supervised,
  });
  if (plan.needsPodIP) plan = context.replanWithPodIP(podIP);
  checkAborted(signal);

  const launch: LaunchContext = {
    plan,
    sandboxId,
    podIP,
    supervised: context.supervised,
    hostPorts,
    created,
    events: context.events,
    signal,
  };
  const first = { attempt: 0, sandboxAttempt: plan.sandbox.attempt ?? 0, streak: 0 };
  const containerIds = new Map<string, string>();
  for (const init of plan.initContainers) {
    checkAborted(signal);
    const launched = await launchContainer(launch, init, first);
    containerIds.set(init.name, launched.id);
    if (launched.failed) {
      return {
        plan,
        podIP,
        sandboxId,
        containerIds,
        initFailure: { container: init.name, exitCode: -1 },
      };
    }
    if (init.spec?.restartPolicy === 'Always') continue; // a native sidecar keeps running
    const exitCode = await untilAborted(waitContainer(launched.id), signal);
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

  const launched = await Promise.all(
    plan.containers.map((app) => launchContainer(launch, app, first)),
  );
  for (const [index, app] of plan.containers.entries())
    containerIds.set(app.name, launched[index]!.id);
  return { plan, podIP, sandboxId, containerIds };
}
