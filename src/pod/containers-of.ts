// Finding one container of a pod as kubectl does: the default container is named by
// the kubectl.kubernetes.io/default-container annotation, else the first one.
import type Docker from 'dockerode';
import { PodrunError } from '../errors.js';
import { Labels } from '../plan/labels.js';
import type { PodRecord } from './records.js';

export const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

export class ContainerNotFoundError extends PodrunError {
  override name = 'ContainerNotFoundError';
}

export function containerNames(record: PodRecord): string[] {
  const spec = record.pod?.spec;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c) => c.name);
}

export function defaultContainerName(record: PodRecord): string {
  const annotated = record.pod?.metadata?.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  if (annotated && containerNames(record).includes(annotated)) return annotated;
  const first = record.pod?.spec?.containers?.[0]?.name;
  if (!first) throw new ContainerNotFoundError(`pod ${record.name} has no containers`);
  return first;
}

/**
 * The container's newest instance, or with `previous` the one before it. Besides the
 * spec's containers this finds containers joined to the pod later (the library's
 * testcontainers joiners), which carry the pod's labels but are not in its spec.
 */
export function containerInstance(
  record: PodRecord,
  name: string,
  previous = false,
): Docker.ContainerInfo {
  const instances = record.containers.filter((info) => info.Labels[Labels.container] === name);
  if (!containerNames(record).includes(name) && instances.length === 0) {
    throw new ContainerNotFoundError(
      `container ${name} is not valid for pod ${record.name}; choose one of: ${containerNames(record).join(', ')}`,
    );
  }
  const instance = instances[previous ? 1 : 0];
  if (!instance) {
    throw new ContainerNotFoundError(
      previous
        ? `previous terminated container ${name} in pod ${record.name} not found`
        : `container ${name} in pod ${record.name} has not been created yet`,
    );
  }
  return instance;
}

/** Whether the container (or, with `previous`, its previous instance) exists. */
export function hasInstance(record: PodRecord, name: string, previous = false): boolean {
  const instances = record.containers.filter((info) => info.Labels[Labels.container] === name);
  return instances.length > (previous ? 1 : 0);
}

/** Whether the container was created with a TTY (its logs are then not multiplexed). */
export function hasTty(record: PodRecord, name: string): boolean {
  const spec = record.pod?.spec;
  return Boolean(
    [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].find((c) => c.name === name)
      ?.tty,
  );
}
