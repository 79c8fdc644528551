// Delete a Service: its proxy container goes at once (a proxy holds no state worth a
// grace period), then the namespace network if nothing else uses it.
import { removeContainer } from '../docker/containers.js';
import { removeNamespaceIfUnused } from './namespaces.js';
import type { ServiceRecord } from './records.js';

export async function deleteServiceRecord(record: ServiceRecord): Promise<void> {
  await removeContainer(record.containerId);
  await removeNamespaceIfUnused(record.namespace);
}
