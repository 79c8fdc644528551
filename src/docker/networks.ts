// The per-namespace bridge network: pods in one namespace reach each other by pod IP
// and, through the engine's embedded DNS, by pod name.
//
// Never two networks of one name, across processes too: the engine's duplicate-name
// check is racy (two concurrent creates can both succeed), and a duplicate makes the
// name ambiguous for every create that names it. So a creator first takes a lock
// the engine refuses twice, a container named podrun_<ns>__NETWORK (created, never
// started); a loser waits for the network to appear; a lock whose holder died is
// taken over. Callers refer to the network by ID (ensureNetworkId), and a duplicate
// found on the way (made by an older podrun) is repaired: the newer empty one goes.
import { hostname } from 'node:os';
import type Docker from 'dockerode';
import { log } from '../log.js';
import { Labels, labelFilter } from '../plan/labels.js';
import { engine } from './engine.js';
import { engineMessage, isConflict, isInUse, isNotFound } from './errors.js';

// Concurrent applies in one process (parallel library tests) ask one at a time.
const creating = new Map<string, Promise<NetworkHandle>>();

export interface NetworkHandle {
  id: string;
  /** This call created the network. */
  created: boolean;
}

export interface NetworkGuard {
  /** Any image present on the engine: the lock container is never started. */
  image: string;
}

const LOCK_PID = 'io.podrun.lock-pid';
const LOCK_HOST = 'io.podrun.lock-host';
/** How long a loser waits for the lock holder's network before it gives up. */
const LOCK_WAIT_MS = 30_000;

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
  const previous = creating.get(options.Name) ?? Promise.resolve({ id: '', created: false });
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

/** The oldest network of the name; newer duplicates without endpoints are removed. */
async function adopt(same: Docker.NetworkInspectInfo[]): Promise<string> {
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
  return keep.Id;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function removeLock(id: string): Promise<void> {
  try {
    await engine().removeContainer(id, { force: true, v: false });
  } catch (error) {
    if (!isNotFound(error) && !isConflict(error)) throw error;
  }
}

async function ensureNetworkNow(
  options: Docker.NetworkCreateOptions,
  guard: NetworkGuard | undefined,
): Promise<NetworkHandle> {
  const name = String(options.Name);
  const waitUntil = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    const existing = await networksNamed(name);
    if (existing.length > 0) return { id: await adopt(existing), created: false };
    if (!guard) return createUnguarded(options);
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
          [LOCK_PID]: String(process.pid),
          [LOCK_HOST]: hostname(),
        },
        HostConfig: { NetworkMode: 'none' },
      });
    } catch (error) {
      if (!isConflict(error)) throw error;
      // Another process creates it: wait for its network, or take over a dead one's lock.
      const holder = await engine()
        .inspectContainer(networkLockName(name))
        .catch(() => undefined);
      const labels = holder?.Config.Labels ?? {};
      const pid = Number(labels[LOCK_PID]);
      if (holder && labels[LOCK_HOST] === hostname() && pid && !processAlive(pid)) {
        await removeLock(holder.Id);
        continue;
      }
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
      if (again.length > 0) return { id: await adopt(again), created: false };
      return await createUnguarded(options);
    } finally {
      await removeLock(lockId);
    }
  }
}

async function createUnguarded(options: Docker.NetworkCreateOptions): Promise<NetworkHandle> {
  const name = String(options.Name);
  let mine: string | undefined;
  try {
    mine = await engine().createNetwork({ ...options, CheckDuplicate: true });
  } catch (error) {
    if (!isConflict(error)) throw error;
  }
  // Without the lock two creates can both succeed: keep the oldest.
  const after = await networksNamed(name);
  if (after.length === 0) throw new Error(`network ${name} vanished right after creation`);
  const id = await adopt(after);
  return { id, created: id === mine };
}

/** Remove the podrun network if no container uses it any more. */
export async function removeNetworkIfUnused(name: string): Promise<void> {
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
    if (Object.keys(info.Containers ?? {}).length > 0) continue;
    try {
      await engine().removeNetwork(network.Id);
    } catch (error) {
      // In use again (a concurrent apply joined it) or already gone: both are fine.
      if (!isNotFound(error) && !isInUse(error)) throw error;
    }
  }
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
