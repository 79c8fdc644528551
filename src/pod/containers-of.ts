// Finding one container of a pod as kubectl does: the default container is named by
// the kubectl.kubernetes.io/default-container annotation, else the first one.
import type Docker from 'dockerode';
import { Labels } from '../plan/labels.js';
import type { PodRecord } from './records.js';

export const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

export class ContainerNotFoundError extends Error {
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

/** The container's newest instance, or with `previous` the one before it. */
export function containerInstance(
  record: PodRecord,
  name: string,
  previous = false,
): Docker.ContainerInfo {
  if (!containerNames(record).includes(name)) {
    throw new ContainerNotFoundError(
      `container ${name} is not valid for pod ${record.name}; choose one of: ${containerNames(record).join(', ')}`,
    );
  }
  const instances = record.containers.filter((info) => info.Labels[Labels.container] === name);
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
