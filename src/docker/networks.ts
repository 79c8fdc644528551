// The per-namespace bridge network: pods in one namespace reach each other by pod IP
// and, through the engine's embedded DNS, by pod name.
//
// Never two networks of one name, across processes too: the engine's duplicate-name
// check is racy (two concurrent creates can both succeed), and a duplicate makes the
// name ambiguous for every create that names it. So a creator first takes a lock
// the engine refuses twice, a container named podrun_<ns>__NETWORK (created, never
// started); a loser waits for the network to appear. Callers refer to the network by
// ID (ensureNetworkId), and a duplicate found on the way (made by an older podrun) is
// repaired: the newer empty one goes.
//
// A lock whose holder is dead (its pid is gone on this host, it records none, or it
// is older than LOCK_STALE_MS: creating a network takes about a second) never
// outlives the namespace: whoever next touches the network removes it, an ensure
// (before it adopts an existing network, or as a loser of the lock) and the removal
// of the namespace's network when its last pod goes (removeNetworkIfUnused). The
// removal is by the ID of exactly the lock inspected, so a lock a live process took
// meanwhile under the same name is never touched.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type Docker from 'dockerode';
import { log } from '../log.js';
import { RESOLVER_NAME_PREFIX } from '../plan/headless-dns.js';
import { Labels, labelFilter } from '../plan/labels.js';
import {
  SERVICE_RANGE_LABEL,
  type SubnetLayout,
  subnetLayout,
  wantsServiceRange,
  withSubnet,
} from '../plan/network.js';
import { pickHint } from '../plan/subnet-hints.js';
import { engine } from './engine.js';
import { engineMessage, isConflict, isInUse, isNotFound } from './errors.js';
import { forgetSubnet, readSubnetHints, rememberSubnet } from './subnet-hint.js';

// Concurrent applies in one process (parallel library tests) ask one at a time.
const creating = new Map<string, Promise<NetworkHandle>>();

export interface NetworkHandle {
  id: string;
  /** This call created the network. */
  created: boolean;
  /**
   * The CIDR reserved for Services' fixed addresses; undefined on a network without
   * a configured subnet (an older podrun made it): Services there get the engine's.
   */
  serviceRange?: string;
}

export interface NetworkGuard {
  /** Any image present on the engine: the lock container is never started. */
  image: string;
  /**
   * Make a namespace network on a subnet of its own, with a range for Services'
   * fixed addresses (the file comment). Only Services need it and it costs a probe
   * network (about 200 ms), so the services layer asks for it; a network a pod
   * makes has none, and Services applied to it later get the engine's addresses.
   */
  serviceRange?: boolean;
}

/** What a network lock records about its holder. */
export const NetworkLockLabels = {
  pid: 'io.podrun.lock-pid',
  host: 'io.podrun.lock-host',
  /** When the holder took it, ms since the epoch by the holder's clock. */
  at: 'io.podrun.lock-at',
} as const;
/** On a network a Namespace object made: not swept while empty (sweepAbandonedNetworks). */
export const NAMESPACE_OBJECT_LABEL = 'io.podrun.namespace-object';

/** On a namespace network: the process that created it. */
export const NetworkCreatorLabels = {
  pid: 'io.podrun.creator-pid',
  host: 'io.podrun.creator-host',
} as const;
/** A lock held longer than this is dead whoever holds it (pid reuse, another host). */
export const LOCK_STALE_MS = 30_000;
/** How long a loser waits for the network before it gives up (a stale lock goes first). */
const LOCK_WAIT_MS = 2 * LOCK_STALE_MS;

/** Name of the lock container that guards creating a namespace network. */
export function networkLockName(networkName: string): string {
  return `${networkName}__NETWORK`;
}

/**
 * Create the network unless a network of that name exists; safe when racing another
 * apply. Resolves true when this call created it.
 */
export async function ensureNetwork(
  options: Docker.NetworkCreateOptions,
  guard?: NetworkGuard,
): Promise<boolean> {
  return (await ensureNetworkId(options, guard)).created;
}

/** The network's ID, created first if need be (see the file comment). */
export async function ensureNetworkId(
  options: Docker.NetworkCreateOptions,
  guard?: NetworkGuard,
): Promise<NetworkHandle> {
  const previous =
    creating.get(options.Name) ?? Promise.resolve<NetworkHandle>({ id: '', created: false });
  const mine = previous.catch(() => undefined).then(() => ensureNetworkNow(options, guard));
  creating.set(options.Name, mine);
  try {
    return await mine;
  } finally {
    if (creating.get(options.Name) === mine) creating.delete(options.Name);
  }
}

async function networksNamed(name: string): Promise<Docker.NetworkInspectInfo[]> {
  const listed = await engine().listNetworks({ name: [name] });
  return listed.filter((network) => network.Name === name);
}

function handleOf(network: Docker.NetworkInspectInfo, created: boolean): NetworkHandle {
  const serviceRange = network.Labels?.[SERVICE_RANGE_LABEL];
  return { id: network.Id, created, ...(serviceRange ? { serviceRange } : {}) };
}

/** The oldest network of the name; newer duplicates without endpoints are removed. */
async function adopt(same: Docker.NetworkInspectInfo[]): Promise<Docker.NetworkInspectInfo> {
  const sorted = [...same].sort(
    (a, b) => String(a.Created).localeCompare(String(b.Created)) || a.Id.localeCompare(b.Id),
  );
  const keep = sorted[0]!;
  for (const extra of sorted.slice(1)) {
    try {
      const info = await engine().inspectNetwork(extra.Id);
      if (Object.keys(info.Containers ?? {}).length > 0) continue;
      await engine().removeNetwork(extra.Id);
    } catch (error) {
      // Another process is already cleaning it (404), or a container joined it (in
      // use): leave it. Anything else is worth a line, not a failed apply.
      if (isNotFound(error) || isInUse(error)) continue;
      log().debug(
        `network ${extra.Name}: could not remove duplicate ${extra.Id.slice(0, 12)}: ${engineMessage(error)}`,
      );
    }
  }
  return keep;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the process that took this lock can no longer remove it (see the file comment). */
export function lockHolderDead(lock: Docker.ContainerInspectInfo, now = Date.now()): boolean {
  const labels = lock.Config?.Labels ?? {};
  const at = Number(labels[NetworkLockLabels.at]) || Date.parse(lock.Created);
  if (Number.isFinite(at) && now - at > LOCK_STALE_MS) return true;
  const pid = Number(labels[NetworkLockLabels.pid]);
  if (!pid) return true;
  // Another machine's process (a remote engine) cannot be checked: only its age counts.
  if (labels[NetworkLockLabels.host] !== hostname()) return false;
  return pid !== process.pid && !processAlive(pid);
}

async function removeLock(id: string): Promise<void> {
  try {
    await engine().removeContainer(id, { force: true, v: false });
  } catch (error) {
    if (!isNotFound(error) && !isConflict(error)) throw error;
  }
}

/**
 * Remove the network's lock if its holder is dead. Resolves with the lock as
 * inspected when it is held by a live process, else undefined (no lock, or removed).
 */
export async function removeDeadNetworkLock(
  networkName: string,
): Promise<Docker.ContainerInspectInfo | undefined> {
  let lock: Docker.ContainerInspectInfo;
  try {
    lock = await engine().inspectContainer(networkLockName(networkName));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  if (lock.Config?.Labels?.[Labels.managed] !== 'true' || !lockHolderDead(lock)) return lock;
  log().debug(
    `network ${networkName}: removing the lock of a dead holder (pid ${lock.Config.Labels[NetworkLockLabels.pid] ?? '?'})`,
  );
  // By ID: a lock a live process took since, under the same name, is another container.
  await removeLock(lock.Id);
  return undefined;
}

async function ensureNetworkNow(
  options: Docker.NetworkCreateOptions,
  guard: NetworkGuard | undefined,
): Promise<NetworkHandle> {
  const name = String(options.Name);
  const waitUntil = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    const existing = await networksNamed(name);
    if (existing.length > 0) {
      // A holder killed after its create (before it removed its lock) left it: it goes.
      if (guard) await removeDeadNetworkLock(name);
      return handleOf(await adopt(existing), false);
    }
    if (!guard) return createUnguarded(options, guard);
    let lockId: string;
    try {
      lockId = await engine().createContainer({
        name: networkLockName(name),
        Image: guard.image,
        Entrypoint: ['podrun-network-lock'],
        Labels: {
          [Labels.managed]: 'true',
          [Labels.role]: 'marker',
          ...(options.Labels?.[Labels.namespace]
            ? { [Labels.namespace]: options.Labels[Labels.namespace] }
            : {}),
          [NetworkLockLabels.pid]: String(process.pid),
          [NetworkLockLabels.host]: hostname(),
          [NetworkLockLabels.at]: String(Date.now()),
        },
        HostConfig: { NetworkMode: 'none' },
      });
    } catch (error) {
      if (!isConflict(error)) throw error;
      // Another process creates it: wait for its network, or remove a dead one's lock.
      const held = await removeDeadNetworkLock(name);
      if (!held) continue; // gone, or removed as dead: try to take it
      if (Date.now() > waitUntil) {
        throw new Error(
          `network ${name}: another podrun process has been creating it for ${LOCK_WAIT_MS / 1000}s; remove container ${networkLockName(name)} if no podrun process runs`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    try {
      // The network may have appeared between the list and the lock.
      const again = await networksNamed(name);
      if (again.length > 0) return handleOf(await adopt(again), false);
      return await createUnguarded(options, guard);
    } finally {
      await removeLock(lockId);
    }
  }
}

async function createUnguarded(
  options: Docker.NetworkCreateOptions,
  guard: NetworkGuard | undefined,
): Promise<NetworkHandle> {
  const name = String(options.Name);
  let mine: string | undefined;
  // Who made it: an empty network whose maker died before any pod joined it (an
  // apply killed between the two) is swept (sweepAbandonedNetworks).
  const labels = {
    ...options.Labels,
    [NetworkCreatorLabels.pid]: String(process.pid),
    [NetworkCreatorLabels.host]: hostname(),
  };
  try {
    const create = { ...options, Labels: labels, CheckDuplicate: true };
    mine = guard?.serviceRange
      ? await createOnEnginesSubnet(create)
      : await engine().createNetwork(create);
  } catch (error) {
    if (!isConflict(error)) throw error;
  }
  // Without the lock two creates can both succeed: keep the oldest.
  const after = await networksNamed(name);
  if (after.length === 0) throw new Error(`network ${name} vanished right after creation`);
  const kept = await adopt(after);
  return handleOf(kept, kept.Id === mine);
}

/** Probes before a namespace network is made without a subnet (see the file comment). */
const SUBNET_TRIES = 3;

/**
 * The subnet was taken by another creator since it was chosen. The engine says so as
 * "Pool overlaps with other one on this address space", or, when the two creates
 * race inside the engine (ten environments at once), as "failed to allocate gateway
 * (172.31.0.1): Address already in use".
 */
export function isSubnetTaken(error: unknown): boolean {
  return /overlaps|failed to allocate gateway/i.test(engineMessage(error));
}

/** Create the network, a namespace network on a subnet the engine picked (file comment). */
async function createOnEnginesSubnet(options: Docker.NetworkCreateOptions): Promise<string> {
  if (!wantsServiceRange(options)) return engine().createNetwork(options);
  const hinted = await createOnHintedSubnet(options);
  if (hinted) return hinted;
  for (let attempt = 0; attempt < SUBNET_TRIES; attempt++) {
    const layout = await learnSubnet(options);
    if (!layout) break;
    try {
      const id = await engine().createNetwork(withSubnet(options, layout));
      rememberSubnet(layout.subnet, layout.gateway);
      return id;
    } catch (error) {
      // Another creator (any engine user) took the pool since the probe gave it back.
      if (!isSubnetTaken(error)) throw error;
      log().debug(
        `network ${options.Name}: subnet ${layout.subnet} taken meanwhile, probing again`,
      );
    }
  }
  log().debug(
    `network ${options.Name}: made without a subnet (Services get the engine's addresses)`,
  );
  return engine().createNetwork(options);
}

/**
 * Create the network on a subnet an earlier probe learned (subnet-hint.ts) that no
 * network holds now: the probe's answer, without the probe. undefined: no usable
 * hint, or the engine refused it (then it is forgotten), so the caller probes.
 */
async function createOnHintedSubnet(
  options: Docker.NetworkCreateOptions,
): Promise<string | undefined> {
  const hints = readSubnetHints();
  if (hints.length === 0) return undefined;
  const inUse = (await engine().listNetworks({})).flatMap((network) =>
    (network.IPAM?.Config ?? []).map((config) => config.Subnet ?? ''),
  );
  const hint = pickHint(hints, inUse, Date.now());
  const layout = hint && subnetLayout(hint.subnet, hint.gateway);
  if (!hint || !layout) return undefined;
  try {
    return await engine().createNetwork(withSubnet(options, layout));
  } catch (error) {
    // Taken between the list and the create (by anyone): probe as if there were no hint.
    if (!isSubnetTaken(error)) throw error;
    forgetSubnet(hint.subnet);
    return undefined;
  }
}

/** The subnet the engine picks for a new network, learned from a probe it gives one. */
async function learnSubnet(
  options: Docker.NetworkCreateOptions,
): Promise<SubnetLayout | undefined> {
  const probeName = `${options.Name}__subnet-${randomBytes(3).toString('hex')}`;
  const id = await engine().createNetwork({
    Name: probeName,
    Driver: options.Driver ?? 'bridge',
    // No route out, no NAT rules: cheaper to make and remove (about 200 ms both).
    Internal: true,
    CheckDuplicate: true,
    // A probe left by a process killed here is swept as an abandoned network.
    Labels: {
      [Labels.managed]: 'true',
      [Labels.role]: 'subnet-probe',
      [NetworkCreatorLabels.pid]: String(process.pid),
      [NetworkCreatorLabels.host]: hostname(),
    },
  });
  try {
    const info = await engine().inspectNetwork(id);
    const ipv4 = (info.IPAM?.Config ?? []).find((config) => config.Subnet?.includes('.'));
    return ipv4?.Subnet ? subnetLayout(ipv4.Subnet, ipv4.Gateway) : undefined;
  } finally {
    // Its pool is free again once this returns: the real network takes it.
    await engine()
      .removeNetwork(id)
      .catch((error) => {
        if (!isNotFound(error)) throw error;
      });
  }
}

/**
 * Remove the podrun network if no container uses it any more, and its lock if the
 * lock's holder is dead (a live holder is creating it for a new pod: it stays).
 */
export async function removeNetworkIfUnused(name: string): Promise<void> {
  await removeUnusedNetworks(name);
  await removeDeadNetworkLock(name);
}

async function removeUnusedNetworks(name: string): Promise<void> {
  const networks = await engine().listNetworks({ name: [name], label: labelFilter() });
  for (const network of networks.filter((candidate) => candidate.Name === name)) {
    let info: Docker.NetworkInspectInfo;
    try {
      info = await engine().inspectNetwork(network.Id);
    } catch (error) {
      // Removed by a concurrent delete between the list and the inspect: done.
      if (isNotFound(error)) continue;
      throw error;
    }
    if (Object.keys(info.Containers ?? {}).length > 0 && !(await dropLoneResolver(info))) continue;
    try {
      await engine().removeNetwork(network.Id);
    } catch (error) {
      // In use again (a concurrent apply joined it) or already gone: both are fine.
      if (!isNotFound(error) && !isInUse(error)) throw error;
    }
  }
}

/**
 * A namespace's resolver (plan/headless-dns.ts) serves the network's pods and holds it
 * for nobody: when it is the network's only container and no headless Service of the
 * namespace is left (their holders are on no network), it goes, so the network can.
 * True when it went (or there was nothing else attached).
 */
async function dropLoneResolver(info: Docker.NetworkInspectInfo): Promise<boolean> {
  const attached = Object.entries(info.Containers ?? {});
  if (!attached.every(([, c]) => c.Name?.startsWith(RESOLVER_NAME_PREFIX))) return false;
  const namespace = info.Labels?.[Labels.namespace];
  if (!namespace) return false;
  const services = await engine().listContainers({
    all: true,
    filters: { label: labelFilter({ [Labels.role]: 'service', [Labels.namespace]: namespace }) },
  });
  const onNetwork = new Set(attached.map(([id]) => id));
  if (services.some((service) => !onNetwork.has(service.Id))) return false;
  for (const [id] of attached) {
    try {
      await engine().removeContainer(id, { force: true, v: false });
    } catch (error) {
      // Gone, or a concurrent delete is removing it (409): that one removes the network.
      if (isConflict(error)) return false;
      if (!isNotFound(error)) throw error;
    }
  }
  return true;
}

export async function listPodrunNetworks(
  match: Record<string, string | undefined> = {},
): Promise<Docker.NetworkInspectInfo[]> {
  return engine().listNetworks({ label: labelFilter(match) });
}

/** True when no network has this ID any more (a 404 on create asks this, not the message). */
export async function networkGone(id: string): Promise<boolean> {
  try {
    await engine().inspectNetwork(id);
    return false;
  } catch (error) {
    if (isNotFound(error)) return true;
    throw error;
  }
}

/**
 * Remove podrun networks no container uses whose creator process is gone (on this
 * host): an apply killed after making its namespace's network and before its first
 * sandbox; and network locks whose holder is dead (killed before it made one). A network a live process made (it is about to start a pod), or one made
 * on another host, stays; a network in use stays. A concurrent apply that was about
 * to join a swept network finds it gone and makes it again (start-sandbox.ts).
 */
export async function sweepAbandonedNetworks(): Promise<void> {
  const networks = await engine().listNetworks({ label: labelFilter() });
  for (const network of networks) {
    const labels = network.Labels ?? {};
    const pid = Number(labels[NetworkCreatorLabels.pid]);
    if (labels[NAMESPACE_OBJECT_LABEL] === 'true') continue;
    if (!pid || labels[NetworkCreatorLabels.host] !== hostname()) continue;
    if (pid === process.pid || processAlive(pid)) continue;
    await removeNetworkIfUnused(network.Name);
  }
  // Locks whose holder died before it made the network (so no network to find them by).
  const locks = await engine().listContainers({
    all: true,
    filters: { label: labelFilter({ [Labels.role]: 'marker' }) },
  });
  for (const lock of locks) {
    const name = lock.Names?.[0]?.replace(/^\//, '') ?? '';
    if (!name.endsWith('__NETWORK') || lock.Labels?.[NetworkLockLabels.pid] === undefined) continue;
    await removeDeadNetworkLock(name.slice(0, -'__NETWORK'.length));
  }
}
