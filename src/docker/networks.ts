// The per-namespace bridge network: pods in one namespace reach each other by pod IP
// and, through the engine's embedded DNS, by pod name.
import type Docker from 'dockerode';
import { timed } from '../log.js';
import { labelFilter } from '../plan/labels.js';
import { getDocker } from './client.js';
import { isConflict, isNotFound } from './errors.js';

// Concurrent applies in one process (parallel library tests) create a namespace's
// network one at a time: the engine's duplicate-name check is racy, and a duplicate
// makes the name ambiguous for the pods being created meanwhile.
const creating = new Map<string, Promise<boolean>>();

/**
 * Create the network unless a network of that name exists; safe when racing another
 * apply. Resolves true when this call created it.
 */
export async function ensureNetwork(options: Docker.NetworkCreateOptions): Promise<boolean> {
  const previous = creating.get(options.Name) ?? Promise.resolve(false);
  const mine = previous.catch(() => false).then(() => ensureNetworkNow(options));
  creating.set(options.Name, mine);
  try {
    return await mine;
  } finally {
    if (creating.get(options.Name) === mine) creating.delete(options.Name);
  }
}

async function ensureNetworkNow(options: Docker.NetworkCreateOptions): Promise<boolean> {
  const docker = await getDocker();
  const existing = await timed(`list networks ${options.Name}`, () =>
    docker.listNetworks({ filters: { name: [options.Name] } }),
  );
  if (existing.some((network) => network.Name === options.Name)) return false;
  const created = await timed(`create network ${options.Name}`, async () => {
    try {
      await docker.createNetwork({ ...options, CheckDuplicate: true });
      return true;
    } catch (error) {
      if (!isConflict(error)) throw error;
      return false;
    }
  });
  // Two concurrent creates can both succeed on old engines (duplicate names); keep one.
  const after = await timed(`list networks ${options.Name}`, () =>
    docker.listNetworks({ filters: { name: [options.Name] } }),
  );
  const same = after.filter((network) => network.Name === options.Name);
  if (same.length > 1) {
    same.sort(
      (a, b) => String(a.Created).localeCompare(String(b.Created)) || a.Id.localeCompare(b.Id),
    );
    for (const extra of same.slice(1)) {
      try {
        await timed(`remove network ${extra.Id.slice(0, 12)}`, () =>
          docker.getNetwork(extra.Id).remove(),
        );
      } catch {
        // Another process is already cleaning it, or a container joined it: leave it.
      }
    }
  }
  return created;
}

/** Remove the podrun network if no container uses it any more. */
export async function removeNetworkIfUnused(name: string): Promise<void> {
  const docker = await getDocker();
  const networks = await timed(`list networks ${name}`, () =>
    docker.listNetworks({ filters: { name: [name], label: labelFilter() } }),
  );
  for (const network of networks.filter((candidate) => candidate.Name === name)) {
    let info: Docker.NetworkInspectInfo;
    try {
      info = await timed(`inspect network ${name}`, () => docker.getNetwork(network.Id).inspect());
    } catch (error) {
      // Removed by a concurrent delete between the list and the inspect: done.
      if (isNotFound(error)) continue;
      throw error;
    }
    if (Object.keys(info.Containers ?? {}).length > 0) continue;
    try {
      await timed(`remove network ${name}`, () => docker.getNetwork(network.Id).remove());
    } catch (error) {
      // In use again (a concurrent apply joined it) or already gone: both are fine.
      if (
        !isNotFound(error) &&
        !isConflict(error) &&
        !/in use|active endpoints/i.test(String(error))
      ) {
        throw error;
      }
    }
  }
}

export async function listPodrunNetworks(
  match: Record<string, string | undefined> = {},
): Promise<Docker.NetworkInspectInfo[]> {
  const docker = await getDocker();
  return timed('list networks', () =>
    docker.listNetworks({ filters: { label: labelFilter(match) } }),
  );
}
