// The per-namespace bridge network: pods in one namespace reach each other by pod IP
// and, through the engine's embedded DNS, by pod name.
import type Docker from 'dockerode';
import { timed } from '../log.js';
import { labelFilter } from '../plan/labels.js';
import { getDocker } from './client.js';
import { isConflict, isNotFound } from './errors.js';

/** Create the network unless a network of that name exists; safe when racing another apply. */
export async function ensureNetwork(options: Docker.NetworkCreateOptions): Promise<void> {
  const docker = await getDocker();
  const existing = await docker.listNetworks({ filters: { name: [options.Name] } });
  if (existing.some((network) => network.Name === options.Name)) return;
  await timed(`create network ${options.Name}`, async () => {
    try {
      await docker.createNetwork({ ...options, CheckDuplicate: true });
    } catch (error) {
      if (!isConflict(error)) throw error;
    }
  });
  // Two concurrent creates can both succeed on old engines (duplicate names); keep one.
  const after = await docker.listNetworks({ filters: { name: [options.Name] } });
  const same = after.filter((network) => network.Name === options.Name);
  if (same.length > 1) {
    same.sort(
      (a, b) => String(a.Created).localeCompare(String(b.Created)) || a.Id.localeCompare(b.Id),
    );
    for (const extra of same.slice(1)) {
      try {
        await docker.getNetwork(extra.Id).remove();
      } catch {
        // Another process is already cleaning it, or a container joined it: leave it.
      }
    }
  }
}

/** Remove the podrun network if no container uses it any more. */
export async function removeNetworkIfUnused(name: string): Promise<void> {
  const docker = await getDocker();
  const networks = await docker.listNetworks({
    filters: { name: [name], label: labelFilter() },
  });
  for (const network of networks.filter((candidate) => candidate.Name === name)) {
    const info = (await docker.getNetwork(network.Id).inspect()) as Docker.NetworkInspectInfo;
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
  return docker.listNetworks({ filters: { label: labelFilter(match) } });
}
