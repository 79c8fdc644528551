// Create (or keep, or replace) one Service's proxy container from its plan: on the
// namespace network under the Service's DNS names, started with no config file,
// which the proxy runs as no ports at all (every port refuses, as with a config of
// no endpoints) until the endpoints sync writes one: the apply's sync after its pods
// does, so no write of an empty config stands before the proxy's start. A
// Service whose spec hash matches the container's is kept as it is, with its
// address; only a changed spec replaces the container. On a namespace network with a
// Service range (plan/network.ts) the address is podrun's: chosen before the create
// (the one the Service had, else plan/service-address.ts), passed as the proxy's
// fixed IPv4Address and recorded in its labels, so pods can be planned with it while
// the proxy starts (`started`), and the engine gives it back after a restart. Two
// applies that pick one address for two Services both create their proxy (a created
// container holds no address yet), then look: the younger proxy yields and picks
// again; the engine, which refuses a second running container on one address, is
// the last word. On a network without a range (an older podrun made it) the engine
// assigns the address when the proxy starts, and the create waits for that.
//
// A headless Service has no proxy: a holder container (created, never started, on no
// network) keeps its labels, and the namespace's resolver (dns-resolver.ts) answers
// its names.
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import {
  createContainer,
  inspectContainer,
  removeContainer,
  startContainer,
} from '../docker/containers.js';
import { engine } from '../docker/engine.js';
import { isConflict } from '../docker/errors.js';
import type { NetworkHandle } from '../docker/networks.js';
import { log } from '../log.js';
import { Labels } from '../plan/labels.js';
import type { ServicePlan } from '../plan/service.js';
import { CLUSTER_IP_LABEL, inServiceRange, pickClusterIP } from '../plan/service-address.js';
import { proxyControlPort, proxyCreateOptions, renderProxyConfig } from '../plan/service-proxy.js';
import { LifecycleLabels } from '../pod/lifecycle/labels.js';
import {
  findServiceRecord,
  listServiceRecords,
  type ServiceRecord,
} from '../pod/service-records.js';
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
   * The new proxy's start, when its address was fixed before it (a network with a
   * Service range): the caller may start pods meanwhile and must wait for this
   * before it reports; on a failure the proxy is already removed.
   */
  started?: Promise<void>;
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
        // A fresh token per proxy container: only podrun, which reads it from the
        // container's labels, may hand this proxy a config.
        control: {
          port: proxyControlPort(plan.ports.map((port) => port.port)),
          token: randomBytes(24).toString('hex'),
        },
      });
  let containerId: string;
  let started: Promise<void> | undefined;
  let eventsWritten: Promise<void> | undefined;
  try {
    if (!plan.headless && network.serviceRange) {
      containerId = await createWithClusterIP(plan, create, network, existing);
      const id = containerId;
      // The events file goes in before the start, on the created container: written
      // after it, the upload ran beside the pods' sandbox starts and slowed them (a
      // bench trace: 195 ms, against tens before the start). A proxy that fails to
      // start is removed with its events.
      eventsWritten = recordServiceEvents(
        id,
        carried,
        proxyEnsureEvents(existing?.service, plan.manifest, { startedAt, doneAt: new Date() }),
      );
      started = eventsWritten
        .then(() => startContainer(id))
        .catch(async (error) => {
          await removeContainer(containerId).catch(() => undefined);
          throw error;
        });
      // Seen by nobody until the caller awaits it: no unhandled rejection meanwhile.
      started.catch(() => undefined);
    } else {
      containerId = await createContainer(create);
    }
  } catch (error) {
    // Another apply of the same Service got there first: it is that one's.
    if (!isConflict(error)) throw error;
    const winner = await findServiceRecord(plan.namespace, plan.name);
    if (!winner) throw error;
    return { action: 'unchanged', containerId: winner.containerId, networkCreated: false };
  }
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
    if (!started) {
      try {
        await startContainer(containerId);
      } catch (error) {
        await removeContainer(containerId).catch(() => undefined);
        throw error;
      }
    }
    const id = containerId;
    eventsWritten ??= recordServiceEvents(
      id,
      carried,
      proxyEnsureEvents(existing?.service, plan.manifest, { startedAt, doneAt: new Date() }),
    );
  }
  return {
    action: existing ? 'configured' : 'created',
    containerId,
    networkCreated: network.created,
    eventsWritten,
    ...(started ? { started } : {}),
  };
}

/** How many addresses a Service tries when younger rivals keep picking its own. */
const CLAIM_TRIES = 8;

/** Nanoseconds of an engine timestamp (RFC 3339, up to 9 fraction digits), as a sortable string. */
function createdKey(info: Docker.ContainerInspectInfo | undefined): string {
  const stamp = info?.Created ?? '';
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(.*)$/.exec(stamp);
  if (!match) return stamp;
  return `${new Date(`${match[1]}${match[3]}`).toISOString().slice(0, 19)}.${(match[2] ?? '').padEnd(9, '0')}`;
}

/**
 * Create the proxy on a fixed address from the network's Service range: the one
 * the Service had (kept across a spec change), else the one its name hashes to,
 * past addresses other Services hold. A rival created before it on the same address
 * wins; this one goes and tries the next.
 */
async function createWithClusterIP(
  plan: ServicePlan,
  create: Docker.ContainerCreateOptions,
  network: NetworkHandle,
  existing: ServiceRecord | undefined,
): Promise<string> {
  const range = network.serviceRange!;
  const taken = new Set<string>();
  let preferred =
    existing && inServiceRange(range, existing.clusterIP) ? existing.clusterIP : undefined;
  for (let attempt = 0; attempt < CLAIM_TRIES; attempt++) {
    for (const record of await listServiceRecords({ namespace: plan.namespace })) {
      if (record.name !== plan.name && record.clusterIP) taken.add(record.clusterIP);
    }
    // Whatever else runs on the network with an address of the range (a container
    // someone else connected with a fixed one) is taken too.
    const info = await engine().inspectNetwork(network.id);
    for (const endpoint of Object.values(info.Containers ?? {})) {
      const ip = endpoint.IPv4Address?.split('/')[0];
      if (ip) taken.add(ip);
    }
    const ip =
      preferred && !taken.has(preferred)
        ? preferred
        : pickClusterIP(range, plan.namespace, plan.name, taken);
    if (!ip) {
      throw new Error(
        `service ${plan.name} in namespace ${plan.namespace}: no free address left in the namespace's Service range ${range}`,
      );
    }
    const endpoints = create.NetworkingConfig?.EndpointsConfig ?? {};
    const id = await createContainer({
      ...create,
      Labels: { ...create.Labels, [CLUSTER_IP_LABEL]: ip },
      NetworkingConfig: {
        EndpointsConfig: {
          ...endpoints,
          [network.id]: { ...endpoints[network.id], IPAMConfig: { IPv4Address: ip } },
        },
      },
    });
    const rivals = (await listServiceRecords({ namespace: plan.namespace })).filter(
      (record) => record.containerId !== id && record.clusterIP === ip,
    );
    if (rivals.length === 0) return id;
    const mine = createdKey(await inspectContainer(id));
    const older = await Promise.all(
      rivals.map(async (rival) => {
        const key = createdKey(await inspectContainer(rival.containerId));
        return key < mine || (key === mine && rival.containerId < id);
      }),
    );
    if (!older.some(Boolean)) return id;
    log().debug(
      `service ${plan.namespace}/${plan.name}: ${ip} went to an older proxy meanwhile, picking again`,
    );
    await removeContainer(id);
    taken.add(ip);
    preferred = undefined;
  }
  throw new Error(
    `service ${plan.name} in namespace ${plan.namespace}: could not claim an address in ${range} (${CLAIM_TRIES} tries lost to concurrent applies)`,
  );
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
