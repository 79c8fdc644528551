// One plan input for the life of a pod. Everything that shapes a pod's plan besides
// its manifest and config data is recorded on the pod as labels when it is applied
// (planInputLabels, through podLevelLabels), and every later plan (a sandbox rebuild, a restart, a replan
// with the pod IP) reads them back (recordedPlanInput) through replanPod: the
// publishAllPorts option, the pause image, the owner (library reaper), the host
// ports the engine assigned to random bindings (so a rebuilt sandbox keeps them), and
// the Services whose link variables the containers got (a Service made or removed
// later changes nothing in the pod, as on a cluster where env is fixed at creation).
// The supervise scope is the io.podrun.supervised label itself.
import type Docker from 'dockerode';
import type { ServiceLinkInput } from '../../plan/input.js';
import type { PodRecord } from '../records.js';
import { LifecycleLabels } from './labels.js';

export interface RecordedPlanInput {
  publishAllPorts: boolean;
  pauseImage?: string;
  owner?: string;
  hostPorts?: Record<string, string>;
  /** Absent on a pod applied with none (or by a podrun before service links). */
  services?: ServiceLinkInput[];
}

/**
 * Labels on every container of the pod (sandbox included; not on volumes, which a
 * claim may share between pods): what a later plan must plan the same way. The
 * owner label is already on every object (the plan's extraLabels).
 */
export function planInputLabels(plan: {
  publishAllPorts?: boolean;
  sandbox: { image: string };
  services?: readonly ServiceLinkInput[];
}): Record<string, string> {
  return {
    ...(plan.publishAllPorts ? { [LifecycleLabels.publishAll]: 'true' } : {}),
    [LifecycleLabels.pauseImage]: plan.sandbox.image,
    ...(plan.services && plan.services.length > 0
      ? { [LifecycleLabels.serviceLinks]: JSON.stringify(plan.services) }
      : {}),
  };
}

/** The service-links label read back; anything not of the recorded shape is none. */
export function parseServiceLinks(label: string | undefined): ServiceLinkInput[] | undefined {
  if (!label) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(label);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return undefined;
  const isPort = (port: unknown): boolean =>
    typeof port === 'object' &&
    port !== null &&
    typeof (port as { port?: unknown }).port === 'number';
  const isService = (service: unknown): service is ServiceLinkInput =>
    typeof service === 'object' &&
    service !== null &&
    typeof (service as { name?: unknown }).name === 'string' &&
    Array.isArray((service as { ports?: unknown }).ports) &&
    (service as { ports: unknown[] }).ports.every(isPort);
  return value.every(isService) ? value : undefined;
}

/** The plan input recorded on the pod (any container carries it). */
export function recordedPlanInput(record: PodRecord): RecordedPlanInput {
  const labelled = (key: string) =>
    [record.sandbox, ...record.containers].find((info) => info?.Labels[key])?.Labels[key];
  const hostPortsLabel = record.containers.find((info) => info.Labels[LifecycleLabels.hostPorts])
    ?.Labels[LifecycleLabels.hostPorts];
  let hostPorts: Record<string, string> | undefined;
  try {
    hostPorts = hostPortsLabel ? (JSON.parse(hostPortsLabel) as Record<string, string>) : undefined;
  } catch {
    hostPorts = undefined;
  }
  return {
    publishAllPorts: labelled(LifecycleLabels.publishAll) === 'true',
    pauseImage: labelled(LifecycleLabels.pauseImage) ?? record.sandbox?.Image,
    owner: record.owner,
    hostPorts: hostPorts ?? sandboxHostPorts(record.sandbox),
    services: parseServiceLinks(labelled(LifecycleLabels.serviceLinks)),
  };
}

/** Host ports a running sandbox publishes, from `docker ps` (by "port/proto"). */
export function sandboxHostPorts(
  sandbox: Docker.ContainerInfo | undefined,
): Record<string, string> | undefined {
  const ports = (sandbox?.Ports ?? []).filter((port) => port.PublicPort);
  if (ports.length === 0) return undefined;
  return Object.fromEntries(
    ports.map((port) => [`${port.PrivatePort}/${port.Type}`, String(port.PublicPort)]),
  );
}

/** Host ports of a started sandbox, from its inspect (by "port/proto"). */
export function inspectedHostPorts(
  info: Docker.ContainerInspectInfo | undefined,
): Record<string, string> | undefined {
  const entries = Object.entries(info?.NetworkSettings?.Ports ?? {}).flatMap(([key, bindings]) => {
    const port = (bindings ?? []).find((binding) => binding.HostPort)?.HostPort;
    return port ? [[key, port] as const] : [];
  });
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}
