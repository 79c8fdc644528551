// Create (or keep, or replace) one Service's proxy container from its plan: on the
// namespace network under the Service's DNS names, started with no config file,
// which the proxy runs as no ports at all (every port refuses, as with a config of
// no endpoints) until the endpoints sync writes one: the apply's sync after its pods
// does, so no write of an empty config stands before the proxy's start. A
// Service whose spec hash matches the container's is kept as it is, with its
// address; only a changed spec replaces the container. A headless Service has no
// proxy: a holder container (created, never started, on no network) keeps its labels,
// and the namespace's resolver (dns-resolver.ts) answers its names.
import { createContainer, removeContainer, startContainer } from '../docker/containers.js';
import { isConflict } from '../docker/errors.js';
import { Labels } from '../plan/labels.js';
import type { ServicePlan } from '../plan/service.js';
import { proxyCreateOptions, renderProxyConfig } from '../plan/service-proxy.js';
import { LifecycleLabels } from '../pod/lifecycle/labels.js';
import { findServiceRecord, type ServiceRecord } from '../pod/service-records.js';
import { ensureResolver, forgetHeadlessNames } from './dns-resolver.js';
import { ensureNamespace } from './namespaces.js';
import { readServiceEvents, recordServiceEvents } from './service-event-file.js';
import { proxyEnsureEvents } from './service-events.js';

export interface EnsureServiceOptions {
  /** The proxy image (proxy-image.ts). */
  image: string;
  owner?: string;
  /** The supervision scope: a supervisor of it restarts the proxy and keeps its endpoints. */
  supervise?: string;
  /** The record as read before this apply, if any (avoids reading it twice). */
  existing?: ServiceRecord;
}

export interface EnsuredService {
  action: 'created' | 'configured' | 'unchanged';
  containerId: string;
  /** This call created the namespace network (a rollback may remove it). */
  networkCreated: boolean;
  /**
   * The Service's events being written into the new proxy (service-events.ts): off
   * the apply's critical path, so pods start meanwhile; never rejects.
   */
  eventsWritten?: Promise<void>;
}

/** The labels the proxy container carries: the plan's, the owner's, the scope's. */
export function serviceLabels(
  plan: ServicePlan,
  options: Pick<EnsureServiceOptions, 'owner' | 'supervise'>,
): Record<string, string> {
  return {
    ...plan.labels,
    ...(options.owner ? { [Labels.owner]: options.owner } : {}),
    ...(options.supervise ? { [LifecycleLabels.supervised]: options.supervise } : {}),
  };
}

/** The config of a proxy with no endpoints: it listens on nothing until endpoints come. */
export function emptyProxyConfig(plan: Pick<ServicePlan, 'ports'>): string {
  return renderProxyConfig(
    plan.ports.map((port) => ({ protocol: port.protocol, port: port.port, endpoints: [] })),
  );
}

export async function ensureService(
  plan: ServicePlan,
  options: EnsureServiceOptions,
): Promise<EnsuredService> {
  const existing = options.existing ?? (await findServiceRecord(plan.namespace, plan.name));
  if (existing && existing.specHash === plan.labels[Labels.specHash]) {
    // Kept with its address; a proxy that exited (engine restart) runs again.
    if (existing.state !== 'running' && existing.clusterIP !== 'None') {
      await startContainer(existing.containerId);
    }
    if (plan.headless) await ensureHeadlessResolver(plan, options);
    return { action: 'unchanged', containerId: existing.containerId, networkCreated: false };
  }
  const startedAt = new Date();
  // The old proxy's events go on with the Service (same uid): read them before it goes.
  const carried = existing ? await readServiceEvents(existing.containerId) : [];
  if (existing) await removeContainer(existing.containerId);
  // Headless no more: its names go back to the engine's DNS (the proxy's aliases).
  if (existing?.clusterIP === 'None' && !plan.headless) {
    await forgetHeadlessNames(existing).catch(() => undefined);
  }
  const network = await ensureNamespace(plan.namespace, {
    lockImage: options.image,
    owner: options.owner,
  });
  const labels = serviceLabels(plan, options);
  const create = plan.headless
    ? {
        name: plan.dockerName,
        Image: options.image,
        Labels: labels,
        HostConfig: { NetworkMode: 'none' },
      }
    : proxyCreateOptions({
        name: plan.dockerName,
        image: options.image,
        network: network.id,
        aliases: plan.aliases,
        labels,
        hostPorts: plan.bindings.map((binding) => ({
          protocol: binding.protocol,
          port: binding.containerPort,
          hostPort: binding.hostPort,
        })),
      });
  let containerId: string;
  try {
    containerId = await createContainer(create);
  } catch (error) {
    // Another apply of the same Service got there first: it is that one's.
    if (!isConflict(error)) throw error;
    const winner = await findServiceRecord(plan.namespace, plan.name);
    if (!winner) throw error;
    return { action: 'unchanged', containerId: winner.containerId, networkCreated: false };
  }
  let eventsWritten: Promise<void> | undefined;
  if (plan.headless) {
    try {
      await ensureResolver(plan.namespace, {
        image: options.image,
        network: network.id,
        supervise: options.supervise,
      });
    } catch (error) {
      await removeContainer(containerId).catch(() => undefined);
      throw error;
    }
  } else {
    try {
      await startContainer(containerId);
    } catch (error) {
      await removeContainer(containerId).catch(() => undefined);
      throw error;
    }
    const events = proxyEnsureEvents(existing?.service, plan.manifest, {
      startedAt,
      doneAt: new Date(),
    });
    eventsWritten = recordServiceEvents(containerId, carried, events);
  }
  return {
    action: existing ? 'configured' : 'created',
    containerId,
    networkCreated: network.created,
    eventsWritten,
  };
}

/** A kept headless Service's resolver (made again if something removed it). */
async function ensureHeadlessResolver(
  plan: ServicePlan,
  options: EnsureServiceOptions,
): Promise<void> {
  const network = await ensureNamespace(plan.namespace, {
    lockImage: options.image,
    owner: options.owner,
  });
  await ensureResolver(plan.namespace, {
    image: options.image,
    network: network.id,
    supervise: options.supervise,
  });
}
