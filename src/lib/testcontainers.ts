// testcontainers interop: start a GenericContainer inside a podrun pod. It joins the
// pause container's network and IPC namespaces (and PID, when the pod shares one),
// is labelled as an app container of the pod (so delete, get and the reaper see it),
// and comes back as testcontainers' own StartedTestContainer.
//
// Only testcontainers' types are used here: the caller's GenericContainer does the
// work, so `import 'podrun'` never loads testcontainers.
//
// Docker refuses published and exposed ports on `container:` joiners, so a joiner's
// ports are published by the pod: pass `publish: [port]` to startPod and read
// pod.hostPort(port). Wait strategies that work in a joiner: Wait.forLogMessage,
// Wait.forHealthCheck (withHealthCheck or an image HEALTHCHECK),
// Wait.forSuccessfulCommand, Wait.forOneShotStartup. Wait.forListeningPorts (the
// default) has no ports to check, so it does not wait at all; Wait.forHttp needs a
// mapped port and fails. Use forSuccessfulCommand (e.g. `wget -q -O- localhost:PORT`)
// or poll pod.hostPort(PORT) instead.
import type Docker from 'dockerode';
import type { GenericContainer, StartedTestContainer } from 'testcontainers';
import { listPodrunVolumes } from '../docker/volumes.js';
import { baseLabels, Labels } from '../plan/labels.js';
import { claimVolumeDockerName, containerDockerName } from '../plan/names.js';
import { containerNames } from '../pod/containers-of.js';
import type { PodRecord } from '../pod/records.js';
import { PODRUN_VERSION } from '../version.js';
import type { PodHandle } from './pod-handle.js';
import { randomSuffix } from './sources.js';

export interface JoinVolumeMount {
  /** A volume of the pod's spec (emptyDir, configMap, secret, claim, hostPath). */
  name: string;
  mountPath: string;
  readOnly?: boolean;
}

export interface StartInPodOptions {
  /** The container's name in the pod (exec, logs, labels). Default "tc-xxxxxx". */
  name?: string;
  /** Mount volumes of the pod, as a volumeMount of the spec would. */
  volumeMounts?: readonly JoinVolumeMount[];
}

/** The GenericContainer fields testcontainers 12 keeps protected; set before start(). */
interface GenericContainerInternals {
  hostConfig?: Docker.HostConfig;
  exposedPorts?: unknown[];
  networkAliases?: string[];
}

async function mountFor(record: PodRecord, mount: JoinVolumeMount): Promise<Docker.MountSettings> {
  const volume = record.pod?.spec?.volumes?.find((v) => v.name === mount.name);
  if (!volume) throw new Error(`pod ${record.name} has no volume ${mount.name}`);
  const base = { Target: mount.mountPath, ReadOnly: mount.readOnly ?? false };
  if (volume.hostPath) return { ...base, Type: 'bind', Source: volume.hostPath.path };
  if (volume.persistentVolumeClaim) {
    const source = claimVolumeDockerName(record.namespace, volume.persistentVolumeClaim.claimName);
    return { ...base, Type: 'volume', Source: source };
  }
  const [docker] = await listPodrunVolumes({
    [Labels.namespace]: record.namespace,
    [Labels.pod]: record.name,
    [Labels.volume]: mount.name,
  });
  if (!docker) throw new Error(`volume ${mount.name} of pod ${record.name} has no Docker volume`);
  return { ...base, Type: 'volume', Source: docker.Name };
}

/**
 * Start `container` inside `pod`, sharing its network (localhost, IP, hostname), IPC
 * (`/dev/shm`, System V) and, with shareProcessNamespace, PID namespace. Stop it with
 * the returned container's stop(), or let pod.delete() remove it with the pod.
 */
export async function startInPod(
  pod: PodHandle,
  container: GenericContainer,
  options: StartInPodOptions = {},
): Promise<StartedTestContainer> {
  const internals = container as unknown as GenericContainerInternals;
  if (!internals.hostConfig || typeof internals.hostConfig !== 'object') {
    throw new Error('startInPod: unsupported testcontainers version (no hostConfig)');
  }
  if ((internals.exposedPorts ?? []).length > 0) {
    throw new Error(
      'startInPod: a container joined to a pod cannot expose ports; publish them on the pod (startPod option publish: [port]) and use pod.hostPort(port)',
    );
  }
  if ((internals.networkAliases ?? []).length > 0) {
    throw new Error('startInPod: network aliases do not apply to a container joined to a pod');
  }
  const record = await pod.record();
  const name = options.name ?? `tc${randomSuffix()}`;
  if (containerNames(record).includes(name)) {
    throw new Error(`startInPod: pod ${pod.name} already has a container named ${name}`);
  }
  const joined = `container:${pod.sandboxId}`;
  const labels = baseLabels('app', PODRUN_VERSION, {
    [Labels.namespace]: pod.namespace,
    [Labels.pod]: pod.name,
    [Labels.container]: name,
    [Labels.podUid]: pod.uid,
    [Labels.attempt]: '0',
    ...(pod.owner ? { [Labels.owner]: pod.owner } : {}),
  });
  container
    .withName(containerDockerName(pod.namespace, pod.name, name, 0))
    .withLabels(labels)
    .withNetworkMode(joined)
    .withIpcMode(joined);
  // No setter for the PID mode in testcontainers 12: raw host config.
  if (record.pod?.spec?.shareProcessNamespace) internals.hostConfig.PidMode = joined;
  if (options.volumeMounts && options.volumeMounts.length > 0) {
    const mounts = await Promise.all(options.volumeMounts.map((m) => mountFor(record, m)));
    internals.hostConfig.Mounts = [...(internals.hostConfig.Mounts ?? []), ...mounts];
  }
  return container.start();
}
