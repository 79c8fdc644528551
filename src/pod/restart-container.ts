// Restart one container of a pod the way the kubelet does: the old instance is
// stopped (within the grace period) and replaced by a fresh container from the same
// spec, so the root filesystem is new while the pod's volumes and namespaces stay.
// The previous instance is kept for `logs --previous`; older ones are removed.
import type Docker from 'dockerode';
import {
  createContainer,
  inspectContainer,
  removeContainer,
  startContainer,
  stopContainer,
} from '../docker/containers.js';
import { Labels } from '../plan/labels.js';
import { containerDockerName } from '../plan/names.js';
import { containerInstance } from './containers-of.js';
import { graceSecondsOf } from './delete-pod.js';
import { PodNotFoundError } from './errors.js';
import { findPodRecord, type PodRecord } from './records.js';

/** Create options for a fresh instance of an existing container, one attempt later. */
export function nextInstanceOptions(
  info: Docker.ContainerInspectInfo,
): Docker.ContainerCreateOptions {
  const labels = info.Config.Labels ?? {};
  const attempt = Number(labels[Labels.attempt] ?? 0) + 1;
  const name = containerDockerName(
    labels[Labels.namespace] ?? '',
    labels[Labels.pod] ?? '',
    labels[Labels.container] ?? '',
    attempt,
  );
  const config = info.Config as Docker.ContainerInspectInfo['Config'] & Record<string, unknown>;
  return {
    name,
    Image: config.Image,
    Cmd: config.Cmd ?? undefined,
    Entrypoint: (config.Entrypoint as string[] | null) ?? undefined,
    Env: config.Env ?? undefined,
    WorkingDir: config.WorkingDir || undefined,
    User: config.User || undefined,
    Tty: config.Tty,
    OpenStdin: config.OpenStdin,
    StdinOnce: config.StdinOnce,
    AttachStdin: config.AttachStdin,
    StopSignal: (config.StopSignal as string | undefined) ?? undefined,
    Labels: { ...labels, [Labels.attempt]: String(attempt) },
    HostConfig: info.HostConfig as Docker.HostConfig,
  };
}

export async function restartPodContainer(
  record: PodRecord,
  containerName: string,
  graceOverride?: number,
): Promise<string> {
  const current = containerInstance(record, containerName);
  const info = await inspectContainer(current.Id);
  if (!info) throw new Error(`container ${containerName} of pod ${record.name} vanished`);
  await stopContainer(current.Id, graceSecondsOf(record, graceOverride));
  const older = record.containers.filter(
    (instance) => instance.Labels[Labels.container] === containerName && instance.Id !== current.Id,
  );
  await Promise.all(older.map((instance) => removeContainer(instance.Id)));
  const id = await createContainer(nextInstanceOptions(info));
  await startContainer(id);
  return id;
}

export async function restartContainerByName(
  namespace: string,
  pod: string,
  container: string,
): Promise<string> {
  const record = await findPodRecord(namespace, pod);
  if (!record) throw new PodNotFoundError(namespace, pod);
  return restartPodContainer(record, container);
}
