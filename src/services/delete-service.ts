// Delete a Service: its proxy container goes at once (a proxy holds no state worth a
// grace period), then the namespace network if nothing else uses it.
import { removeContainer } from '../docker/containers.js';
import type { ServiceRecord } from '../pod/service-records.js';
import { removeNamespaceIfUnused } from './namespaces.js';

export async function deleteServiceRecord(record: ServiceRecord): Promise<void> {
  await removeContainer(record.containerId);
  await removeNamespaceIfUnused(record.namespace);
}
