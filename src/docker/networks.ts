// The per-namespace bridge network: pods in one namespace reach each other by pod IP
// and, through the engine's embedded DNS, by pod name.
import type Docker from 'dockerode';
import { log } from '../log.js';
import { labelFilter } from '../plan/labels.js';
import { engine } from './engine.js';
import { engineMessage, isConflict, isInUse, isNotFound } from './errors.js';

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
  // The previous caller's failure is its own (it saw it); this one tries afresh.
  const mine = previous.catch(() => false).then(() => ensureNetworkNow(options));
  creating.set(options.Name, mine);
  try {
    return await mine;
  } finally {
    if (creating.get(options.Name) === mine) creating.delete(options.Name);
  }
}

async function ensureNetworkNow(options: Docker.NetworkCreateOptions): Promise<boolean> {
  const existing = await engine().listNetworks({ name: [options.Name] });
  if (existing.some((network) => network.Name === options.Name)) return false;
  let created = false;
  try {
    await engine().createNetwork({ ...options, CheckDuplicate: true });
    created = true;
  } catch (error) {
    if (!isConflict(error)) throw error;
  }
  // Two concurrent creates (another process) can both succeed: the engine's duplicate
  // check is racy. Keep the oldest, so every racer settles on the same one.
  const after = await engine().listNetworks({ name: [options.Name] });
  const same = after.filter((network) => network.Name === options.Name);
  if (same.length > 1) {
    same.sort(
      (a, b) => String(a.Created).localeCompare(String(b.Created)) || a.Id.localeCompare(b.Id),
    );
    for (const extra of same.slice(1)) {
      try {
        await engine().removeNetwork(extra.Id);
      } catch (error) {
        // Another process is already cleaning it (404), or a container joined it (in
        // use): leave it. Anything else is worth a line, not a failed apply.
        if (isNotFound(error) || isInUse(error)) continue;
        log().debug(
          `network ${options.Name}: could not remove duplicate ${extra.Id.slice(0, 12)}: ${engineMessage(error)}`,
        );
      }
    }
  }
  return created;
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
