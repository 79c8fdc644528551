// Delete a Service: its proxy container goes at once (a proxy holds no state worth a
// grace period), then the namespace network if nothing else uses it. A headless
// Service's names leave the namespace resolver's records; the resolver itself goes
// with the network (docker/networks.ts), since pods may still name it.
import { removeContainer } from '../docker/containers.js';
import { log } from '../log.js';
import type { ServiceRecord } from '../pod/service-records.js';
import { forgetHeadlessNames } from './dns-resolver.js';
import { removeNamespaceIfUnused } from './namespaces.js';

export async function deleteServiceRecord(record: ServiceRecord): Promise<void> {
  await removeContainer(record.containerId);
  if (record.clusterIP === 'None') {
    // Best effort: a resolver that cannot be edited now gets its records at the next sync.
    await forgetHeadlessNames(record).catch((error: unknown) =>
      log().debug(
        `service ${record.namespace}/${record.name}: dns records: ${(error as Error).message}`,
      ),
    );
  }
  await removeNamespaceIfUnused(record.namespace);
}
