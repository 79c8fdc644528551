// A pod's sandbox, the kubelet's RunPodSandbox: the namespace network, the pod
// volumes, the pause container (which owns the network and IPC namespaces), the
// volume contents (fill-volumes.ts) and the pod's resolv.conf. Used by a pod's first run
// (start-pod.ts) and by every sandbox rebuild (lifecycle/reconcile.ts).

import { readFileSync } from 'node:fs';
import type Docker from 'dockerode';
import { putFiles, readFile } from '../docker/archive.js';
import { createContainer, inspectContainer, startContainer } from '../docker/containers.js';
import { engineMessage, isConflict, isNotFound } from '../docker/errors.js';
import { ensureNetworkId, networkGone } from '../docker/networks.js';
import { inspectVolume } from '../docker/volumes.js';
import { podResolvConf, RESOLV_CONF_PATH } from '../plan/dns.js';
import type { PodPlan } from '../plan/types.js';
import type { CreatedObjects } from './created-objects.js';
import { namespaceResolverIP } from './dns-resolver.js';
import { PodStartError } from './errors.js';
import { startAndFill, subPathsOf } from './fill-volumes.js';
import { makeSubPathDir, prepareHostPath } from './host-paths.js';
import { fenceCreated, undoCreate } from './lifecycle/fence.js';
import { podLevelLabels } from './lifecycle/launch.js';
import { inspectedHostPorts } from './lifecycle/plan-input.js';

/** The host's resolver config, the base of dnsPolicy Default (the engine runs on this host). */
const HOST_RESOLV_CONF = '/etc/resolv.conf';

/**
 * Another process is creating this very pod right now (its first pod volume or its
 * sandbox is already there): the caller adopts that pod instead of making a second.
 */
export class PodBeingCreatedError extends PodStartError {
  override name = 'PodBeingCreatedError';
}

/** A pod volume younger than this, with no sandbox yet, is another creator's work in progress. */
const CREATING_MS = 30_000;

async function createVolumes(
  plan: PodPlan,
  created: CreatedObjects | undefined,
  reuse: boolean,
): Promise<void> {
  const _made: string[] = [];
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
      const existing = await inspectVolume(volume.dockerName);
      if (existing) {
        if (reuse) continue;
        // Two applies of one pod at once: the other one is a step ahead.
        const age = Date.now() - Date.parse(existing.CreatedAt ?? '');
        if (age < CREATING_MS) throw new PodBeingCreatedError(`pod ${plan.name} is being created`);
        throw new PodStartError(
          `volume ${volume.dockerName} already exists; run podrun delete pod ${plan.name} first`,
        );
      }
      // The sandbox's create makes it (plan/volumes.ts sandboxMounts); a rollback
      // removes it.
      created?.volume(volume.dockerName);
    }
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
  // A pod of a namespace with headless Services names the namespace's resolver.
  const resolverIP = dns.resolver ? await namespaceResolverIP(plan.namespace) : undefined;
  const content = podResolvConf(dns, baseText, resolverIP);
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
  options: {
    created?: CreatedObjects;
    supervised?: string;
    reuseVolumes?: boolean;
    /** A rebuild: the reading it acts on is gone (fence.ts readingGone), so undo. */
    readingGone?: () => Promise<boolean>;
  },
): Promise<{ sandboxId: string; podIP: string; hostPorts?: Record<string, string> }> {
  let networkId = await ensurePodNetwork(plan, options.created);
  await createVolumes(plan, options.created, options.reuseVolumes ?? false);
  let sandboxId: string | undefined;
  for (let tries = 0; sandboxId === undefined; tries++) {
    try {
      sandboxId = await createContainer(sandboxCreateOptions(plan, networkId, options.supervised));
    } catch (error) {
      // The last pod of the namespace was deleted since (its network with it): again.
      if (isNotFound(error) && tries < 3 && (await networkGone(networkId))) {
        networkId = await ensurePodNetwork(plan, options.created);
        continue;
      }
      // The name is taken: another process made this very sandbox a moment ago.
      if (isConflict(error)) {
        throw new PodBeingCreatedError(`pod ${plan.name}: its sandbox is being created`, {
          cause: error,
        });
      }
      throw new PodStartError(`pod sandbox: create failed: ${engineMessage(error)}`, {
        cause: error,
      });
    }
  }
  const id = sandboxId;
  options.created?.container(id);
  // Undone, it takes the volumes its create made (or a delete left it to remake).
  const undo = () => undoCreate(id, plan.sandbox.create, { podVolumes: true });
  await fenceCreated(plan.namespace, plan.name, undo, options.readingGone);
  await startAndFill(plan, id, options.reuseVolumes ?? false, async () => {
    try {
      await startContainer(id);
    } catch (error) {
      throw new PodStartError(`pod sandbox: start failed: ${engineMessage(error)}`, {
        cause: error,
      });
    }
  });
  await writeResolvConf(plan, id);
  const sandboxInfo = await inspectContainer(id);
  const podIP = sandboxInfo ? podIPOf(sandboxInfo, plan.network.name) : '';
  return { sandboxId: id, podIP, hostPorts: inspectedHostPorts(sandboxInfo) };
}
